using System.Collections.Concurrent;

namespace TenantRealtime.BenchServer;

/// <summary>
/// What <c>/bench/state-fill</c> asks: <paramref name="Keys"/> keys in each of <paramref name="Tenants"/> tenants'
/// rooms, each value's padding <paramref name="ValueBytes"/> long; <paramref name="Mode"/> state also sets them with
/// <c>ITenantState</c> (rest keeps them in the app's own store only, so <c>Authenticate</c> sends no state).
/// </summary>
internal sealed record StateFillRequest(int Tenants, int TenantsPerOrg, int Keys, int ValueBytes, string Mode);

/// <summary>
/// A connect storm's data: per tenant, the app's own store of its keys (what the REST endpoint reads, as the sample's
/// endpoint reads its database), and in state mode the same values in the library's state rooms.
/// </summary>
internal sealed class StateFill(IServiceProvider services)
{
    private readonly ConcurrentDictionary<string, Dictionary<string, BenchData>> _store = new(StringComparer.Ordinal);

    /// <summary>Gets a tenant's keys and values, or null for a tenant never filled.</summary>
    public IReadOnlyDictionary<string, BenchData>? Of(string? tenantId) =>
        tenantId is not null && _store.TryGetValue(tenantId, out var keys) ? keys : null;

    public async Task<int> FillAsync(StateFillRequest r, CancellationToken cancellationToken)
    {
        var state = r.Mode == DriveRequest.StateMode
            ? services.GetService<ITenantState>() ?? throw new InvalidOperationException("state mode needs a TenantRealtime server.")
            : null;
        var padding = Driver.PaddingOf(r.ValueBytes);
        var n = 0L;
        for (var t = 0; t < r.Tenants; t++)
        {
            var tenantId = $"t{t}";
            var keys = new Dictionary<string, BenchData>(r.Keys, StringComparer.Ordinal);
            for (var k = 0; k < r.Keys; k++)
            {
                var key = Driver.StateKey(k);
                var data = new BenchData(++n, TenantRealtime.BenchShared.UnixMicros.Now(), padding, key);
                keys[key] = data;
                if (state is not null)
                {
                    await state.SetAsync(StateRoom.Tenant($"o{t / Math.Max(1, r.TenantsPerOrg)}", tenantId), key, data, cancellationToken);
                }
            }

            _store[tenantId] = keys;
        }

        return r.Tenants * r.Keys;
    }
}
