using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TenantRealtime.Diagnostics;
using TenantRealtime.Identity.Internal;
using TenantRealtime.Rooms.Internal;

namespace TenantRealtime.State.Internal;

/// <summary>
/// Asks the app's <see cref="IStateLoader"/> (if any) for a room's state, bounded by
/// <see cref="TenantRealtimeOptions.StateLoadTimeout"/>, and checks what it gave by <see cref="ITenantState.SetAsync(StateRoom, string, object?, CancellationToken)"/>'s
/// rules: keys in ordinal order, a malformed key or one past the bounds skipped and logged. Never throws: a loader
/// that fails or runs out of time counts as one that had nothing, so a connect never hangs on it or fails for it.
/// Who asks, and how often, is the store's business (in memory <see cref="LocalStateSync"/>, or Redis).
/// </summary>
internal sealed class StateLoading(
    StateValueSerializer serializer,
    IOptionsMonitor<TenantRealtimeOptions> options,
    TimeProvider time,
    TenantRealtimeMetrics metrics,
    ILogger<StateLoading> logger,
    IServiceProvider services)
{
    // Resolved at the first read, not when this is built: a loader may take ITenantState (which reads through this).
    private readonly Lazy<IStateLoader?> _loader = new(() => (IStateLoader?)services.GetService(typeof(IStateLoader)));

    /// <summary>Gets whether the app registered a loader.</summary>
    public bool Enabled => _loader.Value is not null;

    /// <summary>Gets the longest a load may take.</summary>
    public TimeSpan Timeout => options.CurrentValue.StateLoadTimeout;

    /// <summary>
    /// The room's loaded values as key → value JSON, or null when nothing was loaded (no loader, it returned null,
    /// threw or ran out of time): then the room starts empty and is lost. Not tied to one reader's cancellation, as every
    /// reader of the room waits for it.
    /// </summary>
    public async Task<List<KeyValuePair<string, byte[]>>?> LoadAsync(string room)
    {
        if (_loader.Value is not { } loader)
        {
            return null;
        }

        var scope = StateRoomKeys.ScopeOf(room);
        var timeout = Timeout;
        IReadOnlyDictionary<string, object?>? loaded;
        try
        {
            using var expiry = new CancellationTokenSource(timeout, time);
            // WaitAsync too: a loader that ignores its token still cannot hold the room past the bound.
            loaded = await loader.LoadAsync(StateRoomKeys.RoomOf(room), expiry.Token).AsTask().WaitAsync(timeout, time).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            TenantRealtimeLog.StateLoadFailed(logger, room, ex);
            metrics.StateLoad(scope, "failed");
            return null;
        }

        if (loaded is null)
        {
            TenantRealtimeLog.StateLoaded(logger, room, 0, loaded: false);
            metrics.StateLoad(scope, "none");
            return null;
        }

        var values = Checked(room, loaded);
        TenantRealtimeLog.StateLoaded(logger, room, values.Count, loaded: true);
        metrics.StateLoad(scope, "loaded");
        return values;
    }

    private List<KeyValuePair<string, byte[]>> Checked(string room, IReadOnlyDictionary<string, object?> loaded)
    {
        var settings = options.CurrentValue;
        var maxKeys = RoomBounds.Of(settings, room).MaxStateKeys;
        var values = new List<KeyValuePair<string, byte[]>>(Math.Min(loaded.Count, maxKeys));
        var skipped = 0;
        string? reason = null;
        foreach (var (key, value) in loaded.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!TenantIds.IsValid(key, settings.MaxIdLength))
            {
                (skipped, reason) = (skipped + 1, reason ?? Ids.Rule(key, settings.MaxIdLength));
                continue;
            }

            if (values.Count >= maxKeys)
            {
                (skipped, reason) = (skipped + 1, reason ?? $"MaxStateKeysPerRoom allows {maxKeys} keys");
                continue;
            }

            try
            {
                values.Add(new(key, serializer.SerializeJson(value, room, key)));
            }
            catch (Exception ex) when (ex is TenantRealtimeLimitExceededException or NotSupportedException or System.Text.Json.JsonException)
            {
                (skipped, reason) = (skipped + 1, reason ?? ex.Message);
            }
        }

        if (skipped > 0)
        {
            TenantRealtimeLog.StateLoadTrimmed(logger, room, skipped, reason!, values.Count);
        }

        return values;
    }
}
