using System.Collections.Concurrent;

namespace TenantRealtime.TestHost;

/// <summary>
/// Test only: topic names the app would now refuse, overriding the library's topic authorizer, so that a JS test can
/// take a topic away from a live connection (<c>POST /topics/refuse/{name}</c>, then a refresh of the user's rooms:
/// <c>POST /organizations/{o}/users/{u}/refresh</c>). Empty, it changes nothing.
/// </summary>
internal sealed class TopicRefusals
{
    private readonly ConcurrentDictionary<string, bool> _names = new(StringComparer.Ordinal);

    public void Refuse(string name) => _names[name] = true;

    public bool IsRefused(string name) => _names.ContainsKey(name);

    /// <summary>Wraps the topic authorizer registered so far (the library's default) with the refusals.</summary>
    public static void Decorate(IServiceCollection services)
    {
        var inner = services.Last(d => d.ServiceType == typeof(ITopicAuthorizer));
        services.Remove(inner);
        services.AddSingleton<TopicRefusals>();
        services.AddSingleton<ITopicAuthorizer>(provider => new Authorizer(
            inner.ImplementationInstance as ITopicAuthorizer
                ?? (inner.ImplementationType is { } type ? (ITopicAuthorizer)ActivatorUtilities.CreateInstance(provider, type) : (ITopicAuthorizer)inner.ImplementationFactory!(provider)),
            provider.GetRequiredService<TopicRefusals>()));
    }

    private sealed class Authorizer(ITopicAuthorizer inner, TopicRefusals refusals) : ITopicAuthorizer
    {
        public async ValueTask<IReadOnlyList<bool>> AuthorizeAsync(TopicAuthorizationContext context, CancellationToken cancellationToken)
        {
            var answers = await inner.AuthorizeAsync(context, cancellationToken).ConfigureAwait(false);
            return [.. answers.Select((granted, i) => granted && !refusals.IsRefused(context.Topics[i].Name))];
        }
    }
}
