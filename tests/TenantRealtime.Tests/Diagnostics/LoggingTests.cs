using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;

namespace TenantRealtime.Tests.Diagnostics;

/// <summary>Security events are logged at Warning with who, where and why; routine traffic at Debug.</summary>
public sealed class LoggingTests : IAsyncLifetime
{
    private RealtimeNode _node = null!;

    public async Task InitializeAsync() => _node = await RealtimeNode.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task ARefusedJoinIsAWarningNamingUserOrganizationAndReason()
    {
        await using var client = await RealtimeClient.ConnectAsync(_node.HubUrl, TestUser.Member("mallory", "org-a", "t1"));

        var join = () => client.InvokeAsync("JoinOrganization", new { organizationId = "org-b" });
        await join.Should().ThrowAsync<HubException>();

        _node.Logs.GetSnapshot().Should().ContainSingle(r => r.Level == LogLevel.Warning && r.Category!.StartsWith("TenantRealtime", StringComparison.Ordinal))
            .Which.Message.Should().Be("User mallory of organization org-a was refused joining organization org-b: only a platform admin may join another organization.");
    }

    [Fact]
    public async Task ARefusedConnectionIsAWarningWithItsReason()
    {
        await using var client = RealtimeClient.Create(_node.HubUrl, TestJwt.Create("alice", "org:a"));

        await client.StartExpectingRefusalAsync();

        _node.Logs.GetSnapshot().Should().Contain(r => r.Level == LogLevel.Warning && r.Message.Contains("refused: unauthenticated: the organization id is malformed.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RoutineTrafficIsLoggedAtDebug()
    {
        // Only the traffic: the start logs the connection ceiling in force at Information, once.
        _node.Logs.Clear();
        await using var client = await RealtimeClient.ConnectAsync(_node.HubUrl, TestUser.Member("alice", "org-a", "t1"));
        await _node.Broadcaster.BroadcastToOrganizationAsync("org-a", "news", "created", null);

        var ours = _node.Logs.GetSnapshot().Where(r => r.Category!.StartsWith("TenantRealtime", StringComparison.Ordinal)).ToList();
        ours.Should().Contain(r => r.Message.StartsWith("Connection ", StringComparison.Ordinal) && r.Message.Contains("authenticated as user alice", StringComparison.Ordinal));
        ours.Should().Contain(r => r.Message == "Broadcast news sent to scope organization.");
        ours.Should().OnlyContain(r => r.Level == LogLevel.Debug);
    }
}
