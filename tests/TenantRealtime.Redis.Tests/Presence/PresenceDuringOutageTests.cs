using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using StackExchange.Redis;
using TenantRealtime.Diagnostics;
using TenantRealtime.Redis.RedisConnection;
using TenantRealtime.Redis.Tests.Infrastructure;

namespace TenantRealtime.Redis.Tests.Presence;

/// <summary>
/// Presence across servers cannot be read without Redis: a list of this server's users alone would be a wrong answer.
/// So <c>GetPresence</c> answers at once with the coded <c>unavailable</c> error (never SignalR's generic one, never a
/// wait for StackExchange.Redis's timeout), <see cref="IPresence"/> throws <see cref="TenantRealtimeUnavailableException"/>,
/// and once Redis is back (empty: it had no persistence) the servers write their users again and reads answer.
/// </summary>
public sealed class PresenceDuringOutageTests : TwoNodesOnOwnRedis
{
    private const string Unavailable =
        "HubException: unavailable: presence cannot be read right now (the servers' shared store is unreachable); try again shortly.";

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(3);

    private static readonly TestUser Ann = TestUser.Member("ann", "org-p", "t1");

    private static readonly TestUser Admin = TestUser.Admin("ada", "org-p");

    [Fact]
    public async Task DuringAnOutageGetPresenceIsUnavailableAtOnceAndAnswersAgainWhenRedisIsBack()
    {
        await using var ann = await Clients.ConnectAsync(B, Ann);
        await using var admin = await Clients.ConnectAsync(A, Admin);
        await UntilListedAsync(admin, "ann", "server A reads ann's presence on server B");
        using var refusals = Refusals(A);

        await Redis.StopAsync();
        await Eventually.HoldsAsync(() => !Shared(A).IsConnected, "server A notices that Redis is down");

        var call = () => GetPresenceAsync(admin).WaitAsync(Bound);
        (await call.Should().ThrowAsync<HubException>()).Which.Message.Should().EndWith(Unavailable);
        var read = () => A.Services.GetRequiredService<IPresence>().GetAsync("org-p", "t1").AsTask().WaitAsync(Bound);
        await read.Should().ThrowAsync<TenantRealtimeUnavailableException>().WithMessage("*Redis is not connected*");
        A.Logs.GetSnapshot().Should().ContainSingle(r => r.Id.Name == "PresenceUnavailable");
        refusals.GetMeasurementSnapshot().Should().ContainSingle()
            .Which.Tags.Should().Contain("tenantrealtime.operation", "presence").And.Contain("tenantrealtime.reason", "unavailable");

        // A topic with presence is still subscribed: its broadcasts do not need presence, and the answer says the list is missing.
        var topic = new { scope = "tenant", tenantId = "t1", topic = PresenceSettings.TopicPrefix + "incident:1" };
        var subscribed = Topics(await admin.InvokeAsync("Subscribe", topic).WaitAsync(Bound)).Single();
        subscribed.Should().Contain("subscribed", true).And.Contain("presence", null).And.Contain("presenceError", "unavailable");
        A.Logs.GetSnapshot().Should().ContainSingle(r => r.Id.Name == "TopicPresenceUnavailable");

        // The connections stayed up; Redis comes back empty, and server B writes ann's presence again.
        await Redis.RestartAsync();
        await UntilListedAsync(admin, "ann", "server B writes ann's presence to the restarted Redis");
        var again = Topics(await admin.InvokeAsync("Subscribe", topic)).Single();
        ((IEnumerable<object?>)((IReadOnlyDictionary<string, object?>)again["presence"]!)["users"]!).Cast<IReadOnlyDictionary<string, object?>>()
            .Select(user => user["userId"]).Should().Equal(["ada"], "once Redis answers, a subscribe lists the topic again");
    }

    private static List<IReadOnlyDictionary<string, object?>> Topics(IReadOnlyDictionary<string, object?> answer) =>
        [.. ((IEnumerable<object?>)answer["topics"]!).Cast<IReadOnlyDictionary<string, object?>>()];

    [Fact]
    public async Task ARedisThatHangsHoldsGetPresenceForAboutTheBroadcastTimeoutAtMost()
    {
        await using var ann = await Clients.ConnectAsync(B, Ann);
        await using var admin = await Clients.ConnectAsync(A, Admin);
        await UntilListedAsync(admin, "ann", "server A reads ann's presence on server B");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString);

        // Every connection stays up, so only the bounded read (BroadcastTimeout, 1 s) keeps GetPresence from waiting
        // the 20 s StackExchange.Redis would.
        await redis.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "6000", "ALL");
        var call = () => GetPresenceAsync(admin).WaitAsync(Bound);

        (await call.Should().ThrowAsync<HubException>()).Which.Message.Should().EndWith(Unavailable);
        A.Logs.GetSnapshot().Should().ContainSingle(r => r.Id.Name == "PresenceUnavailable")
            .Which.Exception.Should().BeOfType<TenantRealtimeUnavailableException>().Which.InnerException.Should().BeOfType<TimeoutException>();
    }

    protected override Task<RealtimeNode> StartNodeAsync() =>
        RedisNodes.StartAsync(Redis, extraConfiguration: RedisNodes.SlowTimeouts, realtime: PresenceSettings.Apply);

    private static Task<IReadOnlyDictionary<string, object?>> GetPresenceAsync(RealtimeClient client) =>
        client.InvokeAsync("GetPresence", new Dictionary<string, object?> { ["scope"] = "tenant", ["tenantId"] = "t1" });

    private static Task UntilListedAsync(RealtimeClient client, string userId, string what) =>
        Eventually.HoldsAsync(
            async () =>
            {
                try
                {
                    var presence = await GetPresenceAsync(client);
                    return presence["users"] is IEnumerable<object?> users &&
                        users.Cast<IReadOnlyDictionary<string, object?>>().Any(user => (string?)user["userId"] == userId);
                }
                catch (HubException ex) when (ex.Message.EndsWith(Unavailable, StringComparison.Ordinal))
                {
                    return false;
                }
            },
            what,
            TimeSpan.FromSeconds(30));

    private static SharedRedisConnection Shared(RealtimeNode node) => node.Services.GetRequiredService<SharedRedisConnection>();

    private static MetricCollector<long> Refusals(RealtimeNode node) =>
        new(node.Services.GetRequiredService<IMeterFactory>(), TenantRealtimeMetrics.MeterName, "tenantrealtime.refusals");
}
