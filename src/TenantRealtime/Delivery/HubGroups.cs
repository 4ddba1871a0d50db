using System.Collections.Concurrent;

namespace TenantRealtime.Delivery;

/// <summary>
/// This server's SignalR groups of the tenant hub: group name → its connections. Each connection's own list of groups
/// is kept on its <see cref="ConnectionSender"/>, so that a disconnect leaves no membership behind.
/// </summary>
internal sealed class HubGroups
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, ConnectionSender>> _groups = new(StringComparer.Ordinal);

    /// <summary>Gets the number of groups with at least one member.</summary>
    public int Count => _groups.Count;

    public bool TryGetMembers(string group, out ConcurrentDictionary<string, ConnectionSender> members) =>
        _groups.TryGetValue(group, out members!);

    public void Add(ConnectionSender sender, string group)
    {
        // A connection's membership changes one at a time: SignalR hubs may add and remove concurrently.
        lock (sender)
        {
            if (Array.IndexOf(sender.Groups, group) >= 0)
            {
                return;
            }

            sender.Groups = [.. sender.Groups, group];
            _groups.GetOrAdd(group, static _ => new ConcurrentDictionary<string, ConnectionSender>(StringComparer.Ordinal))[sender.ConnectionId] = sender;
        }
    }

    public void Remove(ConnectionSender sender, string group)
    {
        lock (sender)
        {
            if (Array.IndexOf(sender.Groups, group) < 0)
            {
                return;
            }

            sender.Groups = [.. sender.Groups.Where(g => !string.Equals(g, group, StringComparison.Ordinal))];
            RemoveMember(sender, group);
        }
    }

    public void RemoveAll(ConnectionSender sender)
    {
        lock (sender)
        {
            foreach (var group in sender.Groups)
            {
                RemoveMember(sender, group);
            }

            sender.Groups = [];
        }
    }

    private void RemoveMember(ConnectionSender sender, string group)
    {
        if (!_groups.TryGetValue(group, out var members))
        {
            return;
        }

        members.TryRemove(sender.ConnectionId, out _);

        // An empty group is dropped, unless a concurrent add refilled it in the meantime.
        if (members.IsEmpty)
        {
            _groups.TryRemove(new KeyValuePair<string, ConcurrentDictionary<string, ConnectionSender>>(group, members));
        }
    }
}
