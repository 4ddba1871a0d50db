using System.Net.WebSockets;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace TenantRealtime.Client.Tests;

/// <summary>
/// A <see cref="TenantRealtimeClient"/> of one test user with everything it hands out recorded. Its WebSocket can be
/// cut as a network failure would (the server's own revocation closes a connection for good, so the client would not
/// reconnect), and its token provider waits on a gate, so a test can keep it away for as long as it broadcasts.
/// </summary>
public sealed class ClientHarness : IAsyncDisposable
{
    public const string Event = "recovery";

    private TaskCompletionSource _gate = Opened();
    private readonly ILoggerFactory _loggerFactory;
    private volatile PausableWebSocket? _socket;

    private ClientHarness(RealtimeNode node, TestUser user, HubProtocolKind protocol, Action<TenantRealtimeClientOptions>? configure)
    {
        Node = node;
        User = user;
        _loggerFactory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(new FakeLoggerProvider(Logs)));
        var options = new TenantRealtimeClientOptions
        {
            HubUrl = node.HubUrl,
            LoggerFactory = _loggerFactory,
            AccessTokenProvider = async () =>
            {
                await _gate.Task;
                return user.Token();
            },
            ConfigureConnection = builder =>
            {
                builder.Services.Configure<HttpConnectionOptions>(http => http.WebSocketFactory = async (context, cancellationToken) =>
                {
                    var socket = new ClientWebSocket();
                    socket.Options.SetRequestHeader("Authorization", $"Bearer {user.Token()}");
                    await socket.ConnectAsync(context.Uri, cancellationToken);
                    var pausable = new PausableWebSocket(socket);
                    _socket = pausable;
                    return pausable;
                });
                if (protocol == HubProtocolKind.MessagePack)
                {
                    builder.AddMessagePackProtocol();
                }
            },
        };
        configure?.Invoke(options);
        Client = new TenantRealtimeClient(options);
        Client.On<Payload>(Event, Events.Add);
        Client.ReloadRequired += reload =>
        {
            Reloads.Add(reload);
            return Task.CompletedTask;
        };
        Client.Resumed += result =>
        {
            Resumes.Add(result);
            return Task.CompletedTask;
        };
        Client.Connection.Reconnecting += _ =>
        {
            Reconnecting.TrySetResult();
            return Task.CompletedTask;
        };
    }

    public RealtimeNode Node { get; }

    /// <summary>Gets the client's log, for assertions and for the message of a failed wait.</summary>
    public FakeLogCollector Logs { get; } = new();

    public TestUser User { get; }

    public TenantRealtimeClient Client { get; }

    public string TenantRoom => $"tenant:{User.OrganizationId}:{User.TenantId}";

    public Recorder<TenantEvent<Payload>> Events { get; } = new();

    public Recorder<ReloadRequiredEventArgs> Reloads { get; } = new();

    public Recorder<ResumeResult> Resumes { get; } = new();

    public TaskCompletionSource Reconnecting { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IEnumerable<string> Markers => Events.Items.Select(e => e.Data!.Marker);

    public static async Task<ClientHarness> StartAsync(RealtimeNode node, TestUser user, HubProtocolKind protocol, Action<TenantRealtimeClientOptions>? configure = null)
    {
        var harness = new ClientHarness(node, user, protocol, configure);
        await harness.Client.StartAsync().WaitAsync(TimeSpan.FromSeconds(15));
        return harness;
    }

    public Task BroadcastAsync(string marker, int index = 0, string eventName = Event) =>
        Node.Broadcaster.BroadcastToTenantAsync(User.OrganizationId, User.TenantId!, eventName, "updated", new { Marker = marker, Index = index });

    /// <summary>Cuts the client's WebSocket and keeps it from reconnecting until <see cref="ReturnAsync"/>.</summary>
    public async Task GoAwayAsync()
    {
        _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Reconnecting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _socket!.Abort();
        await Reconnecting.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Client.State.Should().Be(HubConnectionState.Reconnecting);
    }

    /// <summary>Stops reading the socket (the connection stays open): what the server writes backs up.</summary>
    public void StopReading() => _socket!.PauseReading();

    /// <summary>Reads the socket again.</summary>
    public void ReadAgain() => _socket!.ResumeReading();

    /// <summary>Lets the client reconnect and waits for its automatic Resume to be answered.</summary>
    public async Task<ResumeResult> ReturnAsync()
    {
        var before = Resumes.Items.Count;
        _gate.TrySetResult();
        try
        {
            var resumes = await Resumes.WaitForCountAsync(before + 1);
            return resumes[^1];
        }
        catch (TimeoutException exception)
        {
            var log = string.Join(Environment.NewLine, Logs.GetSnapshot().Where(r => r.Level >= LogLevel.Information).Select(r => $"{r.Level} {r.Category}: {r.Message} {r.Exception}"));
            throw new TimeoutException($"The client did not resume. Its log:{Environment.NewLine}{log}", exception);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _gate.TrySetResult();
        await Client.DisposeAsync();
        _loggerFactory.Dispose();
    }

    private static TaskCompletionSource Opened()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }
}
