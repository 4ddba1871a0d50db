using System.Text;
using TenantRealtime.Recovery;
using TenantRealtime.Redis.Backplane;

namespace TenantRealtime.Redis.Tests.Backplane;

/// <summary>A channel message read whole, and read only for its position (the echo check, which allocates nothing).</summary>
public sealed class BroadcastMessageTests
{
    private static readonly Guid Origin = Guid.NewGuid();

    [Fact]
    public void ThePositionReadAloneIsThePositionOfTheWholeRead()
    {
        var message = Numbered(new BroadcastTarget("tenant:o:t1", ["tenant:o:t1", "org-admins:o"]), "news", "ep1", 42);

        BroadcastMessage.TryRead(message, out var whole).Should().BeTrue();
        BroadcastMessage.TryReadPosition(message, out var origin, out var room, out var epoch, out var seq).Should().BeTrue();

        (origin, Encoding.UTF8.GetString(room), Encoding.UTF8.GetString(epoch), seq).Should().Be((whole.Origin, whole.Room, whole.Epoch!, whole.Seq));
        whole.Groups.Should().Equal("tenant:o:t1", "org-admins:o");
        Encoding.UTF8.GetString(whole.EnvelopeJson.Span).Should().Be("{\"type\":\"x\"}");
    }

    [Fact]
    public void AnUnnumberedOrCutMessageHasNoPosition()
    {
        var head = BroadcastMessage.WriteHead(Origin, new BroadcastTarget("tenant:o:t1", null), "news");
        BroadcastMessage.TryReadPosition(BroadcastMessage.WriteUnnumbered(head, "{}"u8), out _, out _, out _, out _).Should().BeFalse("unnumbered");

        var message = Numbered(new BroadcastTarget("tenant:o:t1", null), "news", "ep1", 7);
        for (var length = 0; length < message.Length - "{\"type\":\"x\"}".Length; length++)
        {
            BroadcastMessage.TryReadPosition(message.AsSpan(0, length), out _, out _, out _, out _).Should().BeFalse($"cut at {length}");
        }
    }

    /// <summary>A message as the history script publishes it: the head, then epoch, seq and the envelope JSON.</summary>
    private static byte[] Numbered(BroadcastTarget target, string eventName, string epoch, long seq) =>
        [.. BroadcastMessage.WriteHead(Origin, target, eventName), .. Encoding.UTF8.GetBytes($"{epoch}\n{seq}\n{{\"type\":\"x\"}}")];
}
