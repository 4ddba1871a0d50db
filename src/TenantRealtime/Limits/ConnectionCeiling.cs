using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TenantRealtime.Connections.Internal;
using TenantRealtime.Diagnostics;

namespace TenantRealtime.Limits;

/// <summary>
/// The most connections this server takes: <see cref="TenantRealtimeOptions.MaxConnectionsPerServer"/>, or a ceiling
/// derived from the open-file limit when the hub is mapped. Enforced on the hub's endpoints before a connection
/// exists (<see cref="Check"/>), so the process refuses what it cannot take instead of running out of descriptors.
/// </summary>
internal sealed partial class ConnectionCeiling
{
    // Descriptors kept free of hub connections: 10 % of what is free at start, and never fewer than 256. The fixed
    // part is what the process opens after start whatever the load. The runtime holds two descriptors per loaded
    // assembly and loads assemblies on first use: a bare TenantRealtime host grew by about 40 descriptors besides
    // its sockets while serving its first connections, and an app's first requests load many more. Then Kestrel's
    // listeners, the socket engine's epoll and pipe descriptors, Redis (two sockets per endpoint), log and
    // configuration files and their watchers, the app's outgoing HTTP. The share covers what grows with the load:
    // negotiate and API requests with their idle keep-alive sockets, health checks, and connections still
    // connecting (counted only once they are in the store).
    public const int MinimumReserve = 256;

    private readonly LocalConnectionStore _store;
    private readonly IOptionsMonitor<TenantRealtimeOptions> _options;
    private readonly TenantRealtimeMetrics _metrics;
    private readonly ILogger<ConnectionCeiling> _logger;
    private readonly int? _derived;
    private readonly LogThrottle _logThrottle;

    public ConnectionCeiling(
        LocalConnectionStore store,
        IOptionsMonitor<TenantRealtimeOptions> options,
        TenantRealtimeMetrics metrics,
        TimeProvider time,
        ILogger<ConnectionCeiling> logger)
    {
        _store = store;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _logThrottle = new LogThrottle(time);

        // Read once, when the hub is mapped: "in use" means what the app opened before serving anyone.
        var descriptors = FileDescriptors.ReadCurrentProcess();
        _derived = descriptors is { } d ? Derive(d) : null;
        if (options.CurrentValue.MaxConnectionsPerServer is null)
        {
            if (descriptors is { } found)
            {
                TenantRealtimeLog.CeilingDerived(logger, _derived!.Value, found.SoftLimit, found.InUse);
            }
            else
            {
                TenantRealtimeLog.NoCeiling(logger);
            }
        }
    }

    /// <summary>Gets the ceiling in force: the configured one, else the derived one; null for none.</summary>
    public int? Limit => _options.CurrentValue.MaxConnectionsPerServer ?? _derived;

    /// <summary>The ceiling for a process with <paramref name="descriptors"/>: what is free, less the reserve; at least 1.</summary>
    public static int Derive(FileDescriptors descriptors)
    {
        var free = descriptors.SoftLimit - descriptors.InUse;
        var reserve = Math.Max(free / 10, MinimumReserve);
        return (int)Math.Clamp(free - reserve, 1, int.MaxValue);
    }

    /// <summary>Whether the server holds <see cref="Limit"/> connections or more; <paramref name="limit"/> is the ceiling.</summary>
    public bool IsReached(out int limit)
    {
        if (Limit is not { } ceiling)
        {
            limit = 0;
            return false;
        }

        limit = ceiling;
        return _store.Count >= ceiling;
    }
}
