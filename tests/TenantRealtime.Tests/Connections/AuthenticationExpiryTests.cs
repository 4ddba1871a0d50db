using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace TenantRealtime.Tests.Connections;

/// <summary>
/// A connection lives no longer than its token, by default: it is closed with <c>unauthenticated: token expired</c>
/// (reconnecting allowed, so the client comes back with a fresh one), and a token that has already expired is refused
/// even while JwtBearer's clock skew still accepts it. An app may opt out in <c>MapTenantRealtime</c>.
/// </summary>
public sealed class AuthenticationExpiryTests
{
    private static readonly TestUser Alice = TestUser.Member("alice", "org-a", "t1");

    // JwtBearer's default: a token is still accepted 5 minutes after it expired.
    private static RealtimeNodeOptions WithDefaultClockSkew(Action<Microsoft.AspNetCore.Http.Connections.HttpConnectionDispatcherOptions>? connection = null) =>
        new() { JwtClockSkew = TimeSpan.FromMinutes(5), ConfigureConnection = connection };

    private static string TokenOf(TestUser user, TimeSpan lifetime) =>
        TestJwt.Create(user.UserId, user.OrganizationId, user.TenantId, user.Role, lifetime);

    [Fact]
    public async Task AConnectionIsClosedWithACodedReasonWhenItsTokenExpires()
    {
        await using var node = await RealtimeNode.StartAsync(WithDefaultClockSkew());
        using var closedByServer = new MetricCollector<long>(node.Services.GetRequiredService<IMeterFactory>(), "TenantRealtime", "tenantrealtime.connections.closed_by_server");
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(3);
        await using var client = await ConnectAsync(node, TokenOf(Alice, TimeSpan.FromSeconds(3)));
        await node.Broadcaster.BroadcastToTenantAsync("org-a", "t1", "news", "created", "before");
        await client.WaitForAsync("news", m => m.String("data") == "before");

        var error = await client.Closed.WaitAsync(TimeSpan.FromSeconds(10));

        error!.Message.Should().Contain("unauthenticated: token expired");
        DateTimeOffset.UtcNow.Should().BeBefore(expiresAt.AddSeconds(4), "it is closed within a few seconds of expiry");
        await node.WaitForRegistryAsync(async registry => await registry.CountAsync("org-a") == 0);
        await node.Broadcaster.BroadcastToTenantAsync("org-a", "t1", "news", "created", "after");
        client.Markers("news").Should().Equal("before");
        closedByServer.GetMeasurementSnapshot().Should().Contain(m => (string?)m.Tags["tenantrealtime.reason"] == "expired");
        node.Logs.GetSnapshot().Should().Contain(r => r.Message.Contains("authentication expired", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ATokenThatHasAlreadyExpiredIsRefusedWhileAFreshOneConnects()
    {
        await using var node = await RealtimeNode.StartAsync(WithDefaultClockSkew());

        await using var expired = RealtimeClient.Create(node.HubUrl, TokenOf(Alice, TimeSpan.FromSeconds(-30)), events: "news");
        var refusal = await expired.StartExpectingRefusalAsync();
        await using var fresh = await ConnectAsync(node, TokenOf(Alice, TimeSpan.FromMinutes(5)));

        refusal.Should().Contain("unauthenticated: token expired", "JwtBearer's clock skew accepts the token; the hub does not");
        (await node.Registry.CountAsync("org-a")).Should().Be(1);
    }

    [Fact]
    public async Task TheAppMayKeepConnectionsOpenPastTheirExpiry()
    {
        await using var node = await RealtimeNode.StartAsync(WithDefaultClockSkew(connection => connection.CloseOnAuthenticationExpiration = false));
        await using var client = await ConnectAsync(node, TokenOf(Alice, TimeSpan.FromSeconds(2)));

        await Task.Delay(TimeSpan.FromSeconds(4));
        await node.Broadcaster.BroadcastToTenantAsync("org-a", "t1", "news", "created", "still-here");

        await client.WaitForAsync("news", m => m.String("data") == "still-here");
        client.Closed.IsCompleted.Should().BeFalse();
    }

    private static async Task<RealtimeClient> ConnectAsync(RealtimeNode node, string token)
    {
        var client = RealtimeClient.Create(node.HubUrl, token, events: "news");
        await client.StartAsync();
        await client.InvokeAsync("JoinOrganization", new Dictionary<string, object?> { ["organizationId"] = "org-a" });
        return client;
    }
}
