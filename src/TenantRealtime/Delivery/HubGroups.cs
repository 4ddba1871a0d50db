using System.Collections.Concurrent;

namespace TenantRealtime.Delivery;

/// <summary>
/// This server's SignalR groups of the tenant hub: group name → its connections. Each connection's own list of groups
/// is kept on its <see cref="ConnectionSender"/>, so that a disconnect leaves no membership behind. Sends read the
/// groups without a lock; joins and leaves take one, so a group's first member and its last are told exactly once
/// to the <see cref="IGroupSubscriptions"/>, and a join never lands in a group that a concurrent leave just dropped.
/// </summary>
internal sealed class HubGroups(IGroupSubscriptions subscriptions)
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, ConnectionSender>> _groups = new(StringComparer.Ordinal);

    // Membership changes are rare (connects, disconnects, joins) next to sends, which never take it.
    private readonly Lock _changes = new();

    /// <summary>Gets the number of groups with at least one member.</summary>
    public int Count => _groups.Count;

    public bool TryGetMembers(string group, out ConcurrentDictionary<string, ConnectionSender> members) =>
        _groups.TryGetValue(group, out members!);

    /// <summary>Whether any connection of this server is in <paramref name="group"/>.</summary>
    public bool HasMembers(string group) => _groups.ContainsKey(group);

    public void Add(ConnectionSender sender, string group)
    {
        lock (_changes)
        {
            if (Array.IndexOf(sender.Groups, group) >= 0)
            {
                return;
            }

            sender.Groups = [.. sender.Groups, group];
            if (!_groups.TryGetValue(group, out var members))
            {
                members = new ConcurrentDictionary<string, ConnectionSender>(StringComparer.Ordinal);
                _groups[group] = members;
                subscriptions.Filled(group);
            }

            members[sender.ConnectionId] = sender;
        }
    }

    public void Remove(ConnectionSender sender, string group)
    {
        lock (_changes)
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
        lock (_changes)
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
        if (_groups.TryGetValue(group, out var members) && members.TryRemove(sender.ConnectionId, out _) && members.IsEmpty)
        {
            _groups.TryRemove(group, out _);
            subscriptions.Emptied(group);
        }
    }
}
