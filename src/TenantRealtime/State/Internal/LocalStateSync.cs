using System.Collections.Concurrent;

namespace TenantRealtime.State.Internal;

/// <summary>
/// In memory this server's rooms are the state, so there is nothing to bring up to date; but a room not written in
/// this run (the epoch began at the server's start, so a restart lost every room) is filled by the app's
/// <see cref="IStateLoader"/> on its first read, once: concurrent readers share the load, and the room exists from
/// then on (empty at version 0 when nothing was loaded), so later reads never ask again. Without a loader a read
/// creates nothing.
/// </summary>
internal sealed class LocalStateSync(StateRoomStore store, StateLoading loading, StatePublisher publisher) : IStateSync
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _loads = new(StringComparer.Ordinal);

    public ValueTask RefreshAsync(IReadOnlyList<string> rooms, CancellationToken cancellationToken)
    {
        if (!loading.Enabled)
        {
            return ValueTask.CompletedTask;
        }

        List<Task>? pending = null;
        foreach (var room in rooms)
        {
            if (store.Find(room) is null)
            {
                (pending ??= []).Add(_loads.GetOrAdd(room, static (key, self) => new Lazy<Task>(() => self.FillAsync(key)), this).Value);
            }
        }

        // The load goes on when one reader gives up: the others wait for it.
        return pending is null ? ValueTask.CompletedTask : new ValueTask(Task.WhenAll(pending).WaitAsync(cancellationToken));
    }

    private async Task FillAsync(string room)
    {
        try
        {
            // A load that finished between a reader's look and this one created the room: nothing to do.
            if (store.Find(room) is null)
            {
                var loaded = await loading.LoadAsync(room).ConfigureAwait(false);
                var values = loaded?.Select(p => KeyValuePair.Create(p.Key, StateValueSerializer.FromJson(p.Value))).ToList();
                store.GetOrCreate(room).Fill(values, publisher);
            }
        }
        finally
        {
            _loads.TryRemove(room, out _);
        }
    }
}
