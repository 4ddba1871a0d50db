using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging.Abstractions;
using TenantRealtime.Delivery;
using TenantRealtime.State.Internal;
using TenantRealtime.Tests.Delivery;
using Admission = TenantRealtime.State.Internal.StateGates.Admission;

namespace TenantRealtime.Tests.State;

/// <summary>
/// A connection's state gates: closed until a room's state is read, except a topic's, whose subscriber holds version 0
/// until it gets something (its group holds its subscribers only), so topics without state cost no entry.
/// </summary>
public sealed class StateGatesTests
{
    private readonly StateGates _gates = new();
    private readonly ConnectionSender _connection = TestSenders.Create("c1");

    [Fact]
    public void ARoomsChangeIsClosedToAConnectionThatNeverReadItsState()
    {
        _gates.Admit(_connection, "tenant:o:t", "e1", 0, 1, out _, out _).Should().Be(Admission.Closed);
        _gates.IsOpen(_connection, "tenant:o:t").Should().BeFalse();
    }

    [Fact]
    public void ATopicsFirstChangeIsAdmittedFromVersionZeroWithoutAnOpenGate()
    {
        _gates.IsOpen(_connection, "topic:o:t:incident:1").Should().BeFalse("a topic keeps no entry until it has state");
        StateGates.NeedsOpening("topic:o:t:incident:1").Should().BeFalse();
        StateGates.NeedsOpening("tenant:o:t").Should().BeTrue();

        _gates.Admit(_connection, "topic:o:t:incident:1", "e1", 0, 1, out _, out _).Should().Be(Admission.Next);
        _gates.Admit(_connection, "topic:o:t:incident:1", "e1", 0, 1, out _, out _).Should().Be(Admission.Held, "the version handed over is recorded");
        _gates.IsOpen(_connection, "topic:o:t:incident:1").Should().BeTrue();
    }

    [Fact]
    public void ATopicChangeThatDoesNotFollowVersionZeroIsAGapTheWholeStateAnswers()
    {
        _gates.Admit(_connection, "org-topic:o:ops", "e1", 5, 6, out var heldEpoch, out var heldVersion).Should().Be(Admission.Gap);
        (heldEpoch, heldVersion).Should().Be((null, 0L), "the subscriber held nothing: it gets the changes since version 0, all of them");
    }

    [Fact]
    public void AClosedTopicGateIsImplicitAgain()
    {
        _gates.Admit(_connection, "topic:o:t:x", "e1", 0, 1, out _, out _).Should().Be(Admission.Next);
        _gates.Close(_connection, room => room == "topic:o:t:x");

        _gates.IsOpen(_connection, "topic:o:t:x").Should().BeFalse();
        _gates.Admit(_connection, "topic:o:t:x", "e1", 1, 2, out _, out var held).Should().Be(Admission.Gap, "after an unsubscribe what the client held is gone");
        held.Should().Be(0);
    }

}
