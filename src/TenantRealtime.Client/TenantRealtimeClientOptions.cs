using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace TenantRealtime.Client;

/// <summary>How a <see cref="TenantRealtimeClient"/> connects and orders broadcasts.</summary>
public sealed class TenantRealtimeClientOptions
{
    /// <summary>Gets or sets the hub's absolute URL, for example <c>https://status.example.com/hubs/realtime</c>. Required.</summary>
    public Uri? HubUrl { get; set; }

    /// <summary>
    /// Gets or sets the function that returns the bearer token for the connection. It is called for every
    /// connection attempt, reconnects included, so it can refresh an expiring token. The default is none (anonymous).
    /// </summary>
    public Func<Task<string?>>? AccessTokenProvider { get; set; }

    /// <summary>
    /// Gets or sets a hook that adjusts the connection before it is built, for example
    /// <c>b =&gt; b.AddMessagePackProtocol()</c> or transport settings. The default is none (JSON protocol).
    /// </summary>
    public Action<IHubConnectionBuilder>? ConfigureConnection { get; set; }

    /// <summary>
    /// Gets or sets the delays between reconnect attempts. The default is <see langword="null"/>: SignalR's default
    /// policy (0, 2, 10 and 30 seconds, then the connection closes). Either way, an attempt the server refuses for now
    /// (429 while it admits new connections at a bounded rate, 503 at its connection ceiling) is retried after 1 to 2
    /// seconds, jittered, without counting as an attempt of the policy; <see cref="TenantRealtimeClient.StartAsync"/>
    /// retries such refusals the same way.
    /// </summary>
    public IRetryPolicy? ReconnectPolicy { get; set; }

    /// <summary>
    /// Gets or sets how long a broadcast that skips ahead in its room is held for the missing ones to arrive before
    /// the client asks the server for them with <c>Resume</c>. The default is 1 second.
    /// </summary>
    public TimeSpan ReorderWindow { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets the broadcast events the client receives with no handler, only so that room positions stay gapless.
    /// A room's sequence counts every event sent to it: list here each event your server sends that you do not
    /// register with <see cref="TenantRealtimeClient.On{TData}(string, Func{TenantEvent{TData}, Task})"/>. The default is empty.
    /// </summary>
    public ISet<string> TrackedEvents { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the logger factory for the client and its connection. The default is none (no logging).</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Gets or sets the clock for the reorder window and for waiting before a refused connect is retried. The default is <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
