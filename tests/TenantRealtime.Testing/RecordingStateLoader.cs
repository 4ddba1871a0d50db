using System.Collections.Concurrent;

namespace TenantRealtime.Testing;

/// <summary>
/// An <see cref="IStateLoader"/> whose answer a test sets (<see cref="Load"/>; by default it has nothing), counting the
/// calls per room key, and signalling the first call of each room.
/// </summary>
public sealed class RecordingStateLoader : IStateLoader
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _asked = new(StringComparer.Ordinal);

    /// <summary>Gets or sets what the loader answers for a room key; null when it has nothing.</summary>
    public Func<string, CancellationToken, Task<IReadOnlyDictionary<string, object?>?>> Load { get; set; } =
        (_, _) => Task.FromResult<IReadOnlyDictionary<string, object?>?>(null);

    /// <summary>Gets the calls per room key.</summary>
    public ConcurrentDictionary<string, int> Calls { get; } = new(StringComparer.Ordinal);

    /// <summary>Completes when the loader is first asked for <paramref name="room"/>.</summary>
    public Task Asked(string room) => _asked.GetOrAdd(room, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <inheritdoc />
    public async ValueTask<IReadOnlyDictionary<string, object?>?> LoadAsync(StateRoom room, CancellationToken cancellationToken)
    {
        var key = KeyOf(room);
        Calls.AddOrUpdate(key, 1, (_, count) => count + 1);
        _asked.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        return await Load(key, cancellationToken);
    }

    /// <summary>The room key of <paramref name="room"/>, as state messages name it.</summary>
    public static string KeyOf(StateRoom room) => room.Scope switch
    {
        BroadcastScope.All => "all",
        BroadcastScope.Organization => $"org:{room.OrganizationId}",
        BroadcastScope.Tenant => $"tenant:{room.OrganizationId}:{room.TenantId}",
        _ => $"user:{room.OrganizationId}:{room.UserId}",
    };
}
