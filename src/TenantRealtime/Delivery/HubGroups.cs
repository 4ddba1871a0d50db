using System.Collections.Concurrent;

namespace TenantRealtime.Delivery;

/// <summary>
/// This server's SignalR groups of the tenant hub: group name → its members (<see cref="GroupMembers"/>). Each
/// connection's own list of groups is kept on its <see cref="ConnectionSender"/>, so that a disconnect leaves no
/// membership behind. Sends read the groups without a lock; joins and leaves take one, so a group's first member and
/// its last are told exactly once to the <see cref="IGroupSubscriptions"/>, and a join never lands in a group that a
/// concurrent leave just dropped.
/// </summary>
internal sealed class HubGroups(IGroupSubscriptions subscriptions)
{
    // A value is the group's one ConnectionSender, or its MemberSet from the second member on.
    private readonly ConcurrentDictionary<string, object> _groups = new(StringComparer.Ordinal);

    // Membership changes are rare (connects, disconnects, joins) next to sends, which never take it.
    private readonly Lock _changes = new();

    /// <summary>Gets the number of groups with at least one member.</summary>
    public int Count => _groups.Count;

    public bool TryGetMembers(string group, out GroupMembers members)
    {
        if (_groups.TryGetValue(group, out var value))
        {
            members = new GroupMembers(value);
            return true;
        }

        members = default;
        return false;
    }

    /// <summary>Gets how many connections of this server are in <paramref name="group"/>.</summary>
    public int MembersOf(string group) => TryGetMembers(group, out var members) ? members.Count : 0;

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
            switch (_groups.GetValueOrDefault(group))
            {
                case null:
                    _groups[group] = sender;
                    subscriptions.Filled(group);
                    break;
                case ConnectionSender only:
                    var set = new MemberSet();
                    set.Add(only);
                    set.Add(sender);
                    _groups[group] = set;
                    break;
                case MemberSet members:
                    members.Add(sender);
                    break;
            }
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
        switch (_groups.GetValueOrDefault(group))
        {
            case ConnectionSender only when ReferenceEquals(only, sender):
                _groups.TryRemove(group, out _);
                subscriptions.Emptied(group);
                break;
            case MemberSet members when members.Remove(sender) && members.Count == 1:
                // Back to the one-member form, so a group that shrinks costs what a small one does.
                _groups[group] = members.Single();
                break;
        }
    }
}
