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

    /// <summary>Gets every topic the library asked about, in order.</summary>
    public IReadOnlyCollection<Topic> Asked => [.. _asked];

    /// <summary>From now on, refuses <paramref name="topic"/>.</summary>
    public void Refuse(Topic topic) => _refused[topic.Room.Name] = true;

    public ValueTask<IReadOnlyList<bool>> AuthorizeAsync(TopicAuthorizationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var topic in context.Topics)
        {
            _asked.Enqueue(topic);
        }

        return ValueTask.FromResult<IReadOnlyList<bool>>([.. context.Topics.Select(topic => !_refused.ContainsKey(topic.Room.Name))]);
    }
}
