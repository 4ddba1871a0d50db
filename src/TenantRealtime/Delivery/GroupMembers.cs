using System.Collections.Concurrent;

namespace TenantRealtime.Delivery;

/// <summary>
/// A group's members on this server, as <see cref="HubGroups"/> stores them: the one <see cref="ConnectionSender"/>
/// itself while the group has a single member (every user's own group, usually), a <see cref="MemberSet"/> from the
/// second on. A dictionary per user group cost ~600 bytes per connection at tens of thousands of them.
/// </summary>
internal readonly struct GroupMembers(object members)
{
    /// <summary>Gets how many connections of this server are in the group.</summary>
    public int Count => members is MemberSet set ? set.Count : 1;

    public Enumerator GetEnumerator() => new(members);

    /// <summary>Enumerates without a lock; members joining or leaving meanwhile may or may not be seen.</summary>
    public struct Enumerator(object members) : IDisposable
    {
        private readonly IEnumerator<KeyValuePair<string, ConnectionSender>>? _set = (members as MemberSet)?.Senders.GetEnumerator();
        private bool _single = members is ConnectionSender;

        public ConnectionSender Current { get; private set; } = null!;

        public bool MoveNext()
        {
            if (_set is not null)
            {
                if (!_set.MoveNext())
                {
                    return false;
                }

                Current = _set.Current.Value;
                return true;
            }

            if (!_single)
            {
                return false;
            }

            _single = false;
            Current = (ConnectionSender)members;
            return true;
        }

        public readonly void Dispose() => _set?.Dispose();
    }
}

/// <summary>A group's members once it has two or more on this server; changed only under <see cref="HubGroups"/>' lock.</summary>
internal sealed class MemberSet
{
    private int _count;

    // Writers are serialized by HubGroups, so one lock suffices; reads (sends) take none.
    public ConcurrentDictionary<string, ConnectionSender> Senders { get; } = new(concurrencyLevel: 1, capacity: 4, StringComparer.Ordinal);

    /// <summary>Gets the member count, kept apart because <see cref="ConcurrentDictionary{TKey, TValue}.Count"/> takes every lock.</summary>
    public int Count => Volatile.Read(ref _count);

    public void Add(ConnectionSender sender)
    {
        if (Senders.TryAdd(sender.ConnectionId, sender))
        {
            Volatile.Write(ref _count, _count + 1);
        }
    }

    public bool Remove(ConnectionSender sender)
    {
        if (Senders.TryRemove(sender.ConnectionId, out _))
        {
            Volatile.Write(ref _count, _count - 1);
            return true;
        }

        return false;
    }
}
