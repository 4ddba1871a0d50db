using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TenantRealtime.Client.Internal;

namespace TenantRealtime.Client;

/// <summary>
/// A connection to a TenantRealtime hub that reconnects by itself and hands each broadcast to the application once,
/// in its room's order, including the broadcasts sent while it was away; when those cannot be recovered it raises
/// <see cref="ReloadRequired"/> instead.
/// </summary>
public sealed partial class TenantRealtimeClient : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly RoomRecovery _recovery;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly Dictionary<string, EventBinding> _bindings = new(StringComparer.Ordinal);

    /// <summary>Creates a client; it connects on <see cref="StartAsync"/>.</summary>
    /// <param name="options">Where and how to connect.</param>
    /// <exception cref="ArgumentException"><see cref="TenantRealtimeClientOptions.HubUrl"/> is missing or the reorder window is not positive.</exception>
    public TenantRealtimeClient(TenantRealtimeClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.HubUrl is null)
        {
            throw new ArgumentException("TenantRealtimeClientOptions.HubUrl is required.", nameof(options));
        }

        if (options.ReorderWindow <= TimeSpan.Zero)
        {
            throw new ArgumentException("TenantRealtimeClientOptions.ReorderWindow must be positive.", nameof(options));
        }

        _timeProvider = options.TimeProvider;
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger<TenantRealtimeClient>();

        var builder = new HubConnectionBuilder().WithUrl(options.HubUrl, http => http.AccessTokenProvider = options.AccessTokenProvider);
        var retryPolicy = new RefusalAwareRetryPolicy(options.ReconnectPolicy);
        builder = builder.WithAutomaticReconnect(retryPolicy);
        builder.Services.AddSingleton(loggerFactory);
        options.ConfigureConnection?.Invoke(builder);
        _connection = builder.Build();

        _recovery = new RoomRecovery(options.ReorderWindow, options.TimeProvider, InvokeResumeAsync, RaiseReloadRequiredAsync, _logger);
        _connection.Reconnected += _ => ResumeAfterReconnectAsync();
        _connection.On<TenantStateMessage>(TenantRealtimeWire.Events.State, ReceiveStateAsync);
        _connection.On<Dictionary<string, object?>>(TenantRealtimeWire.Events.Pong, ReceivePong);
        _connection.On<object?>(TenantRealtimeWire.Events.Unsubscribed, ReceiveUnsubscribedAsync);

        // SignalR's close after reconnecting gave up says only that; the refusal that ended it is the policy's.
        _connection.Closed += _ => retryPolicy.TakeRefusal() is { } refusal ? RaiseRefusedAsync(refusal) : Task.CompletedTask;
        foreach (var eventName in options.TrackedEvents)
        {
            Bind<object>(eventName);
        }

        // So topic presence is kept without an application handler; one registered with its own type replaces this.
        lock (_bindings)
        {
            _defaultPresenceBinding = Bind<object>(TenantRealtimeWire.Events.Presence);
        }
    }

    /// <summary>
    /// Gets the underlying connection, for hub events that are not broadcasts (for example <c>pong</c>) and its
    /// lifecycle events. Register broadcast events with <see cref="On{TData}(string, Func{TenantEvent{TData}, Task})"/>
    /// instead: a handler registered here directly bypasses ordering and dedupe.
    /// </summary>
    public HubConnection Connection => _connection;

    /// <summary>Gets the state of the connection.</summary>
    public HubConnectionState State => _connection.State;

    /// <summary>
    /// Connects, subscribes again the topics it held and resumes the rooms the client tracked before (a restart after
    /// <see cref="StopAsync"/>), and learns the
    /// current position of every other room the connection holds (from <c>Authenticate</c>). It completes once the
    /// server has placed the connection in its rooms, so no broadcast sent afterwards is missed, and once every
    /// room has a position, so a connection that drops before a room's first broadcast still resumes it.
    /// </summary>
    /// <param name="cancellationToken">Cancels the connection attempt.</param>
    /// <returns>A task that completes when the connection is in its rooms and their positions are known.</returns>
    /// <exception cref="ConnectionRefusedException">The server refused the connection for good (401, <c>unauthenticated</c>:
    /// for example the token has expired); it is not retried. Start again with a fresh token.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            try
            {
                await _connection.StartAsync(cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (Exception refused) when (RefusedConnects.IsRefusedForNow(refused))
            {
                // The server takes no more new connections for now (429 at its connect rate, 503 at its ceiling).
                await Task.Delay(RefusedConnects.NextDelay(), _timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception refused) when (RefusedConnects.IsRefusedForGood(refused))
            {
                ClientLog.RefusedForGood(_logger, refused.Message);
                throw RefusedConnects.ForGood(refused);
            }
        }

        // SignalR completes the start at the handshake, before the hub has placed the connection in its rooms;
        // the server dispatches invocations only after that, so the answer to Resume proves the rooms are in place.
        // Resume first: a room tracked before keeps its own position, and Authenticate's would skip what it missed.
        // Topics held before (a start after a stop) are subscribed again first, so that Resume covers their rooms.
        await ResubscribeAsync(cancellationToken).ConfigureAwait(false);
        await ResumeAsync(cancellationToken).ConfigureAwait(false);
        await LearnPositionsAsync(cancellationToken).ConfigureAwait(false);

        // So that the rooms' state, sent before those answers, is held when StartAsync completes.
        await DrainEventsAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Disconnects; room positions and topic subscriptions are kept, so a later <see cref="StartAsync"/> resumes from them.</summary>
    /// <param name="cancellationToken">Cancels the wait for a graceful stop.</param>
    /// <returns>A task that completes when the connection is closed.</returns>
    public Task StopAsync(CancellationToken cancellationToken = default) => _connection.StopAsync(cancellationToken);

    /// <summary>Invokes a hub method and returns its result, for example <c>Authenticate</c> or <c>JoinOrganization</c>.</summary>
    /// <typeparam name="TResult">The type to read the result as.</typeparam>
    /// <param name="methodName">The hub method, for example one of <see cref="TenantRealtimeWire.Methods"/>.</param>
    /// <param name="arguments">The method's arguments.</param>
    /// <param name="cancellationToken">Cancels the wait for the result.</param>
    /// <returns>The method's result.</returns>
    public Task<TResult> InvokeAsync<TResult>(string methodName, object?[] arguments, CancellationToken cancellationToken = default) =>
        _connection.InvokeCoreAsync<TResult>(methodName, arguments, cancellationToken);

    /// <summary>Disconnects and releases the connection.</summary>
    /// <returns>A task that completes when the connection is released.</returns>
    public async ValueTask DisposeAsync()
    {
        _recovery.Dispose();
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
