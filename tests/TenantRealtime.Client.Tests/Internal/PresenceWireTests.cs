using System.Text.Json;
using TenantRealtime.Client.Internal;

namespace TenantRealtime.Client.Tests.Internal;

/// <summary>How the client reads presence data and applies <c>joined</c>/<c>left</c> to the list it holds.</summary>
public sealed class PresenceWireTests
{
    private static readonly TopicRef Topic = TopicRef.Tenant("viewing:1", "t1", "org-a");

    [Fact]
    public void ReadingOrdersUsersByOnlineSinceThenIdAndMatchesNamesIgnoringCase()
    {
        var data = JsonSerializer.SerializeToElement(new
        {
            Users = new object[]
            {
                new { userId = "zed", displayName = (string?)null, connections = 1, onlineSince = "2026-12-07T10:00:00.0000000Z" },
                new { userId = "amy", displayName = "Amy", connections = 2, onlineSince = "2026-12-07T10:00:00.0000000Z" },
                new { userId = "bob", displayName = "Bob", connections = 1, onlineSince = "2026-12-07T09:00:00.0000000Z" },
                new { displayName = "no id" },
            },
            UserCount = 3,
            countsOnly = false,
        });

        var read = PresenceWire.Read(data)!;

        read.Users.Select(u => u.UserId).Should().Equal("bob", "amy", "zed");
        read.Users[1].Should().Be(new TopicPresenceUser("amy", "Amy", 2, new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero)));
        read.UserCount.Should().Be(3);
        PresenceWire.Read(default).Should().BeNull();
    }

    [Fact]
    public void JoinedUpsertsLeftRemovesAndCountsOnlyEmptiesTheList()
    {
        var held = new TopicPresence(2, false, [User("amy", 1, 1), User("bob", 1, 2)]);

        var joined = PresenceWire.Apply(held, new PresenceUpdate("joined", Topic, new TopicPresence(3, false, [User("bob", 2, 2), User("cid", 1, 3)])));
        var left = PresenceWire.Apply(joined, new PresenceUpdate("left", Topic, new TopicPresence(2, false, [User("amy", 0, 1), User("nobody", 0, 9)])));
        var over = PresenceWire.Apply(left, new PresenceUpdate("joined", Topic, new TopicPresence(6, true, [])));

        joined.Users.Select(u => (u.UserId, u.Connections)).Should().Equal(("amy", 1L), ("bob", 2L), ("cid", 1L));
        joined.UserCount.Should().Be(3);
        left.Users.Select(u => u.UserId).Should().Equal("bob", "cid");
        left.UserCount.Should().Be(2);
        over.Should().BeEquivalentTo(new { UserCount = 6L, CountsOnly = true, Users = Array.Empty<TopicPresenceUser>() });
        held.Users.Should().HaveCount(2, "a snapshot is never changed");
    }

    [Fact]
    public void AnApplicationsTypeWithoutOnlineSinceTakesTheEventsTimestamp()
    {
        // What an application's own presence type, without onlineSince, serializes as (property names as it spells them).
        var data = JsonSerializer.SerializeToElement(new { Users = new[] { new { UserId = "amy", Connections = 1 } }, UserCount = 1 });
        var sent = new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

        PresenceWire.Read(data, sent)!.Users.Should().Equal(new TopicPresenceUser("amy", null, 1, sent));
    }

    [Fact]
    public void ASubscribeAnswerCarriesTheListOrWhyItIsMissingOrNothing()
    {
        static object Answer(string topic, Dictionary<string, object?> extra) => new Dictionary<string, object?>
        {
            ["room"] = $"topic:org-a:t1:{topic}", ["scope"] = "tenant", ["topic"] = topic, ["organizationId"] = "org-a", ["tenantId"] = "t1", ["subscribed"] = true,
        }.Concat(extra).ToDictionary();
        var answer = JsonSerializer.SerializeToElement(new
        {
            topics = new[]
            {
                Answer("viewing:1", new() { ["presence"] = new { users = new[] { new { userId = "amy", connections = 1, onlineSince = "2026-12-07T10:00:00Z" } }, userCount = 1, countsOnly = false } }),
                Answer("viewing:2", new() { ["presence"] = null, ["presenceError"] = "unavailable" }),
                Answer("plain:1", []),
            },
        });

        var read = TopicWire.Read(answer);

        read[0].Presence.Presence!.Users.Select(u => u.UserId).Should().Equal("amy");
        read[0].Presence.Error.Should().BeNull();
        read[1].Presence.Should().Be(new PresenceHeld(null, "unavailable"));
        read[2].Presence.Should().Be(PresenceHeld.None);
    }

    [Fact]
    public void OnlyTopicScopedEventsNameATopic()
    {
        PresenceWire.TopicOf("topic", "org-a", "t1", "viewing:1").Should().Be(Topic);
        PresenceWire.TopicOf("topic", "org-a", null, "viewing:1").Should().Be(TopicRef.Organization("viewing:1", "org-a"));
        PresenceWire.TopicOf("tenant", "org-a", "t1", null).Should().BeNull();
        PresenceWire.TopicOf("topic", null, null, "viewing:1").Should().BeNull();
    }

    private static TopicPresenceUser User(string id, long connections, int minute) =>
        new(id, null, connections, new DateTimeOffset(2026, 12, 7, 10, minute, 0, TimeSpan.Zero));
}
