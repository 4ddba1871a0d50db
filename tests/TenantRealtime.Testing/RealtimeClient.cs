using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace TenantRealtime.Testing;

/// <summary>A real .NET SignalR client that records every event it receives, in order.</summary>
public sealed class RealtimeClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentQueue<ReceivedMessage> _received = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly TaskCompletionSource<Exception?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RealtimeClient(HubConnection connection, string name)
    {
        Connection = connection;
        Name = name;
        connection.Closed += error =>
        {
            _closed.TrySetResult(error);
            return Task.CompletedTask;
        };
    }

    public HubConnection Connection { get; }

    public string Name { get; }

    /// <summary>Gets the user it connected as through <see cref="ConnectAsync"/>, or null for a client built otherwise.</summary>
    public TestUser? User { get; private set; }

    public IReadOnlyCollection<ReceivedMessage> Received => [.. _received];

    /// <summary>Completes with the close error (or null) when the server closes the connection.</summary>
    public Task<Exception?> Closed => _closed.Task;

    /// <summary>Gets the socket whose reads can be paused, for a client built by <see cref="ConnectPausableAsync"/>.</summary>
    public PausableWebSocket? Socket { get; private set; }

    /// <summary>Builds a client that listens to <paramref name="events"/> without starting it.</summary>
    public static RealtimeClient Create(Uri hubUrl, string? token, HubProtocolKind protocol = HubProtocolKind.Json, string? name = null, params string[] events) =>
        Create(hubUrl, token, protocol, name, configure: null, events);

    /// <summary>
    /// Connects as <paramref name="user"/> over a socket whose reads <see cref="Socket"/> pauses, as a frozen tab or a
    /// congested link does, and returns once the connection is in its rooms.
    /// </summary>
    public static async Task<RealtimeClient> ConnectPausableAsync(Uri hubUrl, TestUser user, HubProtocolKind protocol = HubProtocolKind.Json, params string[] events)
    {
        PausableWebSocket? socket = null;
        var client = Create(hubUrl, user.Token(), protocol, user.ToString(), options => options.WebSocketFactory = async (context, cancellationToken) =>
        {
            var inner = new System.Net.WebSockets.ClientWebSocket();
            inner.Options.SetRequestHeader("Authorization", $"Bearer {user.Token()}");
            await inner.ConnectAsync(context.Uri, cancellationToken).ConfigureAwait(false);
            return socket = new PausableWebSocket(inner);
        }, events);
        client.User = user;
        await client.StartAsync().ConfigureAwait(false);
        client.Socket = socket;
        await client.InvokeAsync("JoinOrganization", new Dictionary<string, object?> { ["organizationId"] = user.OrganizationId }).ConfigureAwait(false);
        return client;
    }

    private static RealtimeClient Create(Uri hubUrl, string? token, HubProtocolKind protocol, string? name, Action<Microsoft.AspNetCore.Http.Connections.Client.HttpConnectionOptions>? configure, string[] events)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(hubUrl, options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = false;
                if (token is not null)
                {
                    options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                }

                configure?.Invoke(options);
            });
        if (protocol == HubProtocolKind.MessagePack)
        {
            builder.AddMessagePackProtocol();
        }

        return Wrap(builder.Build(), name ?? "client", events);
    }

    /// <summary>Records the events of a connection built elsewhere (custom headers, transports).</summary>
    public static RealtimeClient Wrap(HubConnection connection, string name, params string[] events)
    {
        var client = new RealtimeClient(connection, name);
        foreach (var eventName in events.Concat(["authenticated", "pong", Sentinel.EventName]).Distinct())
        {
            client.Listen(eventName);
        }

        return client;
    }

    /// <summary>Connects as <paramref name="user"/> and returns once the connection has started.</summary>
    public static async Task<RealtimeClient> ConnectAsync(Uri hubUrl, TestUser user, HubProtocolKind protocol = HubProtocolKind.Json, params string[] events)
    {
        var client = Create(hubUrl, user.Token(), protocol, user.ToString(), events);
        client.User = user;
        await client.StartAsync().ConfigureAwait(false);

        // SignalR completes the client's start at the handshake, before the hub's OnConnectedAsync has placed the
        // connection in its rooms. Invocations are dispatched only after OnConnectedAsync, so one round trip that
        // changes nothing (joining one's own organization) proves the rooms are in place.
        await client.InvokeAsync("JoinOrganization", new Dictionary<string, object?> { ["organizationId"] = user.OrganizationId }).ConfigureAwait(false);
        return client;
    }

    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        await Connection.StartAsync(timeout.Token).ConfigureAwait(false);
    }

    /// <summary>Starts, expecting the server to refuse: returns the error the client saw, at start or as the close.</summary>
    public async Task<string> StartExpectingRefusalAsync()
    {
        try
        {
            await StartAsync().ConfigureAwait(false);
            var closed = await Closed.WaitAsync(DefaultTimeout).ConfigureAwait(false);
            return closed?.Message ?? "closed without an error";
        }
        catch (Exception ex) when (ex is not TimeoutException)
        {
            return ex.Message;
        }
    }

    public void Listen(string eventName) =>
        Connection.On(eventName, [typeof(object)], (args, _) =>
        {
            _received.Enqueue(ReceivedMessage.From(eventName, args[0]));
            _arrived.Release();
            return Task.CompletedTask;
        }, state: this);

    /// <summary>Invokes a hub method and returns its result as protocol-neutral fields.</summary>
    public async Task<IReadOnlyDictionary<string, object?>> InvokeAsync(string method, params object?[] args)
    {
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        var result = await Connection.InvokeCoreAsync(method, typeof(object), args, timeout.Token).ConfigureAwait(false);
        return ReceivedMessage.ToDictionary(result);
    }

    /// <summary>Waits until a received message matches, or fails after the timeout.</summary>
    public async Task<ReceivedMessage> WaitForAsync(string eventName, Func<ReceivedMessage, bool>? match = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var found = _received.FirstOrDefault(m => m.EventName == eventName && (match?.Invoke(m) ?? true));
            if (found is not null)
            {
                return found;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left).ConfigureAwait(false))
            {
                throw new TimeoutException($"{Name} did not receive '{eventName}' in time; it received: {Describe()}.");
            }
        }
    }

    /// <summary>The data markers (string <c>data</c>) of every received message of <paramref name="eventName"/>.</summary>
    public IReadOnlyList<string> Markers(string eventName) =>
        [.. Received.Where(m => m.EventName == eventName).Select(m => m.String("data") ?? "")];

    public string Describe() => string.Join(", ", Received.Select(m => $"{m.EventName}:{m["data"]}"));

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync().ConfigureAwait(false);
        _arrived.Dispose();
    }
}
