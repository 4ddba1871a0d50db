using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using TenantRealtime.Connections.Internal;
using TenantRealtime.Presence.Internal;
using Xunit.Abstractions;

namespace TenantRealtime.Tests.Connections;

/// <summary>Thousands of connect / join / subscribe / disconnect cycles leave no count, no membership and no presence behind.</summary>
public sealed class ChurnTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Cycles = 2000;
    private RealtimeNode _node = null!;

    public async Task InitializeAsync() => _node = await RealtimeNode.StartAsync(new RealtimeNodeOptions
    {
        Configure = options =>
        {
            // Leaves are decided at once, so what is left counted afterwards is a leak, not a window.
            options.PresenceDebounce = TimeSpan.Zero;
            options.TopicPrefixes["viewing:"] = new TopicPrefixOptions { EnablePresence = true };
        },
    });

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task ConnectJoinDisconnectCyclesLeaveTheRegistryAndRoomsEmpty()
    {
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);

        await Parallel.ForEachAsync(Enumerable.Range(0, Cycles), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, cancellationToken) =>
        {
            var user = i % 2 == 0 ? TestUser.PlatformAdmin($"p{i}", "org-churn") : TestUser.Member($"m{i}", "org-churn", $"t{i % 10}");
            await using var client = await RealtimeClient.ConnectAsync(_node.HubUrl, user);
            if (user.Role == TenantRoles.PlatformAdmin)
            {
                await client.InvokeAsync("JoinOrganization", new { organizationId = $"org-visit{i % 5}" });
            }
            else if (i % 4 == 1)
            {
                await client.InvokeAsync("Subscribe", new { scope = "tenant", topic = $"viewing:{i % 3}" });
            }
            else
            {
                // Still subscribing while the connection ends: the subscribe either lands before the end or not at all.
                _ = client.Connection.InvokeAsync<object>("Subscribe", new { scope = "tenant", topic = $"viewing:{i % 3}" }, cancellationToken)
                    .ContinueWith(static t => t.Exception, TaskScheduler.Default);
            }

            await client.Connection.StopAsync(cancellationToken);
        });

        var store = _node.Services.GetRequiredService<LocalConnectionStore>();
        var membership = _node.Services.GetRequiredService<RoomMembership>();
        var presence = _node.Services.GetRequiredService<LocalPresence>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((store.Count > 0 || membership.GroupCount > 0 || presence.Members().Count > 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        await _node.WaitForRegistryAsync(async registry => await registry.CountAsync() == 0);
        store.Count.Should().Be(0);
        membership.GroupCount.Should().Be(0, "every group a connection joined is left again");
        presence.Members().Should().BeEmpty("every topic a connection subscribed to is uncounted when it ends");
        (await _node.Registry.CountAsync()).Should().Be(0);
        (await _node.Registry.GetSnapshotAsync()).Organizations.Should().BeEmpty();

        var after = GC.GetTotalMemory(forceFullCollection: true);
        output.WriteLine($"{Cycles} cycles: managed heap {before / 1024} KiB before, {after / 1024} KiB after.");
    }
}
