using System.Collections.Concurrent;

namespace SampleHost.Storage;

/// <summary>
/// An in-memory, thread-safe store keyed by organization and id, so equal ids in two organizations are two
/// resources. Values are immutable records: readers never see half a write.
/// </summary>
internal sealed class OrganizationStore<T>
    where T : class, IOrganizationResource
{
    private readonly ConcurrentDictionary<(string OrganizationId, string Id), T> items = new();

    public T? Find(string organizationId, string id) => items.GetValueOrDefault((organizationId, id));

    public IReadOnlyList<T> List(string organizationId) =>
        [.. items.Where(e => e.Key.OrganizationId == organizationId).Select(e => e.Value)];

    /// <summary>The organizations that hold at least one item.</summary>
    public IReadOnlyList<string> OrganizationIds() => [.. items.Keys.Select(k => k.OrganizationId).Distinct(StringComparer.Ordinal)];

    public void Save(T item) => items[(item.OrganizationId, item.Id)] = item;

    public bool Remove(string organizationId, string id) => items.TryRemove((organizationId, id), out _);
}
