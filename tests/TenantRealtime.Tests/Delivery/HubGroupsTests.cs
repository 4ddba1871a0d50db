using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging.Abstractions;
using TenantRealtime.Delivery;

namespace TenantRealtime.Tests.Delivery;

/// <summary>
/// A group's members as the lifetime manager keeps them: the sender itself while alone (a user's own group), a set
/// from the second member on, and back. The scale-out hears of a group's first member and its last exactly once.
/// </summary>
public sealed class HubGroupsTests
{
    private readonly Subscriptions _subscriptions = new();

    [Fact]
    public void AGroupGrowsFromOneMemberToManyAndShrinksBackTellingTheScaleOutOnce()
    {
        var groups = new HubGroups(_subscriptions);
        var (a, b, c) = (TestSenders.Create("a"), TestSenders.Create("b"), TestSenders.Create("c"));

        groups.Add(a, "tenant:o1:t1");
        Members(groups, "tenant:o1:t1").Should().Equal("a");
        groups.MembersOf("tenant:o1:t1").Should().Be(1);

        groups.Add(b, "tenant:o1:t1");
        groups.Add(c, "tenant:o1:t1");
        groups.Add(c, "tenant:o1:t1");
        Members(groups, "tenant:o1:t1").Should().BeEquivalentTo(["a", "b", "c"]);
        groups.MembersOf("tenant:o1:t1").Should().Be(3, "adding a member twice counts it once");

        groups.Remove(a, "tenant:o1:t1");
        groups.RemoveAll(c);
        Members(groups, "tenant:o1:t1").Should().Equal("b");
        groups.MembersOf("tenant:o1:t1").Should().Be(1);

        groups.Remove(a, "tenant:o1:t1");
        groups.HasMembers("tenant:o1:t1").Should().BeTrue("a sender that is not a member leaves the group as it was");

        groups.Remove(b, "tenant:o1:t1");
        groups.HasMembers("tenant:o1:t1").Should().BeFalse();
        groups.MembersOf("tenant:o1:t1").Should().Be(0);
        groups.Count.Should().Be(0);
        _subscriptions.Changes.Should().Equal("filled tenant:o1:t1", "emptied tenant:o1:t1");
    }

    [Fact]
    public void AGroupPastTheSmallFormKeepsEveryMemberAndShrinksBackToOne()
    {
        var groups = new HubGroups(_subscriptions);
        var senders = Enumerable.Range(0, MemberSet.SmallLimit + 8).Select(i => TestSenders.Create($"c{i}")).ToList();

        // A topic's few subscribers are an array; a tenant of many goes past it into a dictionary.
        foreach (var sender in senders)
        {
            groups.Add(sender, "tenant:o1:t1");
        }

        groups.Add(senders[0], "tenant:o1:t1");
        Members(groups, "tenant:o1:t1").Should().BeEquivalentTo(senders.Select(s => s.ConnectionId));
        groups.MembersOf("tenant:o1:t1").Should().Be(senders.Count, "adding a member twice counts it once, in either form");

        // Enumerating the array form while a member joins sees the array it started with, whole.
        var seen = new List<string>();
        var small = new HubGroups(_subscriptions);
        small.Add(senders[0], "topic:o1:t1:x");
        small.Add(senders[1], "topic:o1:t1:x");
        small.TryGetMembers("topic:o1:t1:x", out var members).Should().BeTrue();
        foreach (var sender in members)
        {
            seen.Add(sender.ConnectionId);
            small.Add(senders[2], "topic:o1:t1:x");
        }

        seen.Should().Equal("c0", "c1");
        Members(small, "topic:o1:t1:x").Should().Equal("c0", "c1", "c2");

        foreach (var sender in senders.Skip(1))
        {
            groups.Remove(sender, "tenant:o1:t1");
        }

        Members(groups, "tenant:o1:t1").Should().Equal("c0");
        groups.MembersOf("tenant:o1:t1").Should().Be(1);
    }

    [Fact]
    public void ADisconnectLeavesEveryGroupOfTheConnectionAndNoOther()
    {
        var groups = new HubGroups(_subscriptions);
        var (a, b) = (TestSenders.Create("a"), TestSenders.Create("b"));
        groups.Add(a, "org:o1");
        groups.Add(a, "user:o1:u1");
        groups.Add(b, "org:o1");

        groups.RemoveAll(a);

        a.Groups.Should().BeEmpty();
        Members(groups, "org:o1").Should().Equal("b");
        groups.HasMembers("user:o1:u1").Should().BeFalse();
        _subscriptions.Changes.Should().Equal("filled org:o1", "filled user:o1:u1", "emptied user:o1:u1");
    }

    private static List<string> Members(HubGroups groups, string group)
    {
        var ids = new List<string>();
        if (groups.TryGetMembers(group, out var members))
        {
            foreach (var sender in members)
            {
                ids.Add(sender.ConnectionId);
            }
        }

        return ids;
    }

    private sealed class Subscriptions : IGroupSubscriptions
    {
        public List<string> Changes { get; } = [];

        public void Filled(string group) => Changes.Add($"filled {group}");

        public void Emptied(string group) => Changes.Add($"emptied {group}");

        public Task WhenListeningAsync(string group) => Task.CompletedTask;
    }
}
