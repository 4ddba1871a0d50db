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
    public struct Enumerator : IDisposable
    {
        private readonly ConnectionSender[]? _array;
        private readonly IEnumerator<KeyValuePair<string, ConnectionSender>>? _set;
        private ConnectionSender? _single;
        private int _next;

        public Enumerator(object members)
        {
            switch (members)
            {
                case ConnectionSender only:
                    _single = only;
                    break;
                case MemberSet set when set.Small is { } small:
                    _array = small;
                    break;
                case MemberSet set:
                    _set = set.Large!.GetEnumerator();
                    break;
            }
        }

        public ConnectionSender Current { get; private set; } = null!;

        public bool MoveNext()
        {
            if (_single is not null)
            {
                Current = _single;
                _single = null;
                return true;
            }

            if (_array is not null)
            {
                if (_next >= _array.Length)
                {
                    return false;
                }

                Current = _array[_next++];
                return true;
            }

            if (_set is null || !_set.MoveNext())
            {
                return false;
            }

            Current = _set.Current.Value;
            return true;
        }

        public readonly void Dispose() => _set?.Dispose();
    }
}

/// <summary>
/// A group's members once it has two or more on this server; changed only under <see cref="HubGroups"/>' lock, read by
/// sends without one. Up to <see cref="SmallLimit"/> members they are an array replaced on every change: a topic's
/// handful of subscribers then cost a few references, where a dictionary costs ~500 bytes per group. Past it, a
/// dictionary, so joining a tenant of thousands never copies them all.
/// </summary>
internal sealed class MemberSet
{
    public const int SmallLimit = 32;

    private ConnectionSender[]? _small = [];
    private ConcurrentDictionary<string, ConnectionSender>? _large;
    private int _count;

    /// <summary>Gets the member count.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Gets the members while there are at most <see cref="SmallLimit"/>; otherwise null, and they are in <see cref="Large"/>.</summary>
    public ConnectionSender[]? Small => Volatile.Read(ref _small);

    /// <summary>Gets the members once there were more than <see cref="SmallLimit"/>.</summary>
    public ConcurrentDictionary<string, ConnectionSender>? Large => Volatile.Read(ref _large);

    public void Add(ConnectionSender sender)
    {
        if (Small is { } small)
        {
            if (Array.IndexOf(small, sender) >= 0)
            {
                return;
            }

            if (small.Length < SmallLimit)
            {
                Volatile.Write(ref _small, [.. small, sender]);
                Volatile.Write(ref _count, _count + 1);
                return;
            }

            // The dictionary is complete before the array goes: a send reads one or the other whole.
            var large = new ConcurrentDictionary<string, ConnectionSender>(concurrencyLevel: 1, capacity: SmallLimit * 2, StringComparer.Ordinal);
            foreach (var member in small)
            {
                large[member.ConnectionId] = member;
            }

            Volatile.Write(ref _large, large);
            Volatile.Write(ref _small, null);
        }

        if (Large!.TryAdd(sender.ConnectionId, sender))
        {
            Volatile.Write(ref _count, _count + 1);
        }
    }

    public bool Remove(ConnectionSender sender)
    {
        if (Small is { } small)
        {
            var at = Array.IndexOf(small, sender);
            if (at < 0)
            {
                return false;
            }

            Volatile.Write(ref _small, [.. small[..at], .. small[(at + 1)..]]);
            Volatile.Write(ref _count, _count - 1);
            return true;
        }

        if (Large!.TryRemove(sender.ConnectionId, out _))
        {
            Volatile.Write(ref _count, _count - 1);
            return true;
        }

        return false;
    }

    /// <summary>The one member of a set down to one.</summary>
    public ConnectionSender Single() => Small is { } small ? small.Single() : Large!.Values.Single();
}
