using System.Text;
using StackExchange.Redis;
using TenantRealtime.Redis.Tests.Infrastructure;

namespace TenantRealtime.Redis.Tests.Connections;

/// <summary>Anyone who can write to Redis can publish on the revocation channel; nothing there is trusted.</summary>
public sealed class ForgedRevocationTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private RealtimeNode _node = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _node = await RedisNodes.StartAsync(_redis, configure: o => o.ChannelPrefix = "app");
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task MalformedRevocationMessagesAreIgnoredAndLogged()
    {
        await using var alice = await Clients.ConnectAsync(_node, TestUser.Member("alice", "org-a", "t1"));
        await using var publisher = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        var channel = RedisChannel.Literal("app:tenantrealtime:revocation");
        var server = Guid.NewGuid().ToString("N");
        string[] forged =
        [
            "not json",
            $$"""{"v":1,"op":"disconnect-user","org":"org-a:x","id":"alice","server":"{{server}}"}""",
            $$"""{"v":1,"op":"drop-everything","org":"org-a","id":"alice","server":"{{server}}"}""",
            $$"""{"v":2,"op":"disconnect-user","org":"org-a","id":"alice","server":"{{server}}"}""",
            $$"""{"v":1,"op":"disconnect-user","org":"org-a","id":"alice","server":"me"}""",
            $$"""{"v":1,"op":"disconnect-user","org":"org-a","id":"alice","server":"{{server}}","admin":true}""",
            "{\"pad\":\"" + new string('x', 4096) + "\"}",
        ];

        foreach (var payload in forged)
        {
            await publisher.GetSubscriber().PublishAsync(channel, Encoding.UTF8.GetBytes(payload));
        }

        await Eventually.HoldsAsync(
            () => _node.Logs.GetSnapshot().Count(r => r.Id.Name == "RevocationRejected") == forged.Length,
            "every forged message is rejected");
        (await alice.InvokeAsync("Ping")).Should().ContainKey("timestamp");

        // A well-formed request from "another server" is carried out: ids are validated, not the sender.
        await publisher.GetSubscriber().PublishAsync(channel, Encoding.UTF8.GetBytes(
            $$"""{"v":1,"op":"disconnect-user","org":"org-a","id":"alice","server":"{{server}}"}"""));
        await alice.Closed.WaitAsync(RealtimeClient.DefaultTimeout);
    }
}
