using System.Collections.Concurrent;

namespace TenantRealtime.Testing;

/// <summary>
/// An <see cref="ITopicAuthorizer"/> a test steers: it allows every topic until <see cref="Refuse"/> names one, and
/// records every topic it was asked about. Register it with <c>WithTopicAuthorizer&lt;TestTopicAuthorizer&gt;()</c>.
/// </summary>
public sealed class TestTopicAuthorizer : ITopicAuthorizer
{
    private readonly ConcurrentDictionary<string, bool> _refused = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Topic> _asked = new();
    private Hold? _hold;

    /// <summary>Gets every topic the library asked about, in order.</summary>
    public IReadOnlyCollection<Topic> Asked => [.. _asked];

    /// <summary>From now on, refuses <paramref name="topic"/>.</summary>
    public void Refuse(Topic topic) => _refused[topic.Room.Name] = true;

    /// <summary>Holds the next decision (its answers taken when released) until <see cref="Hold.Release"/>; <see cref="Hold.Entered"/> completes once it is held.</summary>
    public Hold HoldNext() => _hold = new Hold();

    public async ValueTask<IReadOnlyList<bool>> AuthorizeAsync(TopicAuthorizationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var topic in context.Topics)
        {
            _asked.Enqueue(topic);
        }

        if (Interlocked.Exchange(ref _hold, null) is { } hold)
        {
            hold.Enter();
            await hold.Released.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return [.. context.Topics.Select(topic => !_refused.ContainsKey(topic.Room.Name))];
    }

    /// <summary>One held decision.</summary>
    public sealed class Hold
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        internal Task Released => _released.Task;

        public void Release() => _released.TrySetResult();

        internal void Enter() => _entered.TrySetResult();
    }
}
