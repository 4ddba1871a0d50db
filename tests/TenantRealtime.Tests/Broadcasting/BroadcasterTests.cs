using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace TenantRealtime.Tests.Broadcasting;

public sealed class BroadcasterTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 31, 12, 0, 0, TimeSpan.FromHours(2)));
    private RealtimeNode _node = null!;

    public async Task InitializeAsync() => _node = await RealtimeNode.StartAsync(new RealtimeNodeOptions
    {
        Services = services => services.AddSingleton<TimeProvider>(_time),
    });

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Theory]
    [InlineData("org:a", "t1")]
    [InlineData("org-a", "t1:x")]
    [InlineData("", "t1")]
    [InlineData("org-a", "a b")]
    public async Task RefuseMalformedIdsBeforeSendingAnything(string organizationId, string tenantId)
    {
        var send = () => _node.Broadcaster.BroadcastToTenantAsync(organizationId, tenantId, "news", "created", null);

        await send.Should().ThrowAsync<ArgumentException>().WithMessage("*must be 1 to 64 characters of [A-Za-z0-9_.-]*");
    }

    [Theory]
    [InlineData("")]
    [InlineData("1starts-with-digit")]
    [InlineData("has space")]
    [InlineData("has:colon")]
    public async Task RefuseMalformedEventNames(string eventName)
    {
        var send = () => _node.Broadcaster.BroadcastToAllAsync(eventName, "created", null);

        await send.Should().ThrowAsync<ArgumentException>().WithParameterName("eventName");
    }

    [Fact]
    public async Task StampTheEnvelopeWithTheInjectedClockInUtc()
    {
        await using var client = await RealtimeClient.ConnectAsync(_node.HubUrl, TestUser.Member("alice", "org-a", "t1"), HubProtocolKind.Json, "news");

        var receipt = await _node.Broadcaster.BroadcastToUserAsync("org-a", "alice", "news", "created", new { n = 1 });
        var message = await client.WaitForAsync("news");

        receipt.Timestamp.Should().Be(_time.GetUtcNow());
        receipt.Scope.Should().Be(BroadcastScope.User);
        message.String("timestamp").Should().Be("2026-01-31T10:00:00.0000000Z");
        message.String("scope").Should().Be("user");
        message.String("userId").Should().Be("alice");
    }
}
