namespace TenantRealtime.BenchShared;

/// <summary>
/// topic-fanout (issue 31): which topics each connection subscribes to, so the load client's subscriptions and the
/// server's expected fan-out cannot drift. Each tenant has <see cref="TopicsPerTenant"/> topics (<c>topic{x}</c>); the
/// k-th connection of a tenant (connection j is tenant j % T's (j / T)-th) subscribes to <see cref="PerConnection"/>
/// consecutive ones from k × PerConnection, wrapping around, so every topic of a tenant of n connections gets
/// n × PerConnection / TopicsPerTenant subscribers when that divides evenly.
/// </summary>
internal sealed record TopicPlan(int TopicsPerTenant, int PerConnection)
{
    public static string Name(int topic) => $"topic{topic}";

    /// <summary>The topics the k-th connection of a tenant subscribes to.</summary>
    public IEnumerable<int> TopicsOf(int k)
    {
        var count = Math.Min(PerConnection, TopicsPerTenant);
        for (var m = 0; m < count; m++)
        {
            yield return (int)(((long)k * PerConnection + m) % TopicsPerTenant);
        }
    }

    /// <summary>Subscribers per topic of a tenant of <paramref name="tenantSize"/> connections.</summary>
    public int[] Subscribers(int tenantSize)
    {
        var subscribers = new int[TopicsPerTenant];
        for (var k = 0; k < tenantSize; k++)
        {
            foreach (var topic in TopicsOf(k))
            {
                subscribers[topic]++;
            }
        }

        return subscribers;
    }
}
