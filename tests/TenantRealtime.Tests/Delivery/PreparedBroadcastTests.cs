using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;
using TenantRealtime.Delivery;
using TenantRealtime.Recovery;

namespace TenantRealtime.Tests.Delivery;

/// <summary>
/// A broadcast delivered from its stored JSON (another server's, or its own history entry) reaches a JSON connection as
/// the bytes SignalR's JSON protocol would have written for the envelope object, and any other protocol's connection
/// as the envelope object itself.
/// </summary>
public sealed class PreparedBroadcastTests
{
    private static readonly JsonSerializerOptions Payload = new JsonHubProtocolOptions().PayloadSerializerOptions;

    private static readonly OutgoingBroadcast Broadcast = new(
        "tenant", "org-a", "t1", null, "service", "updated",
        new { id = "api", status = "degraded \"quoted\" ü", nested = new { count = 2, ratio = 0.5 }, list = new[] { 1, 2 }, none = (string?)null },
        new DateTimeOffset(2026, 12, 7, 10, 0, 0, 123, TimeSpan.Zero));

    [Fact]
    public void TheLiveEnvelopeFromStoredJsonIsTheOneTheJsonProtocolWritesForTheObject()
    {
        var stored = StoredEnvelopeSerializer.Serialize(Broadcast, Payload);
        var envelope = Broadcast.ToEnvelope("tenant:org-a:t1", 42, "ep-\"1\"");

        StoredEnvelopeSerializer.TryWriteLiveToScratch(stored, envelope.Room!, 42, envelope.Epoch!, out var live).Should().BeTrue();

        JsonNode.DeepEquals(JsonNode.Parse(live), JsonSerializer.SerializeToNode(envelope, Payload)).Should().BeTrue(
            $"{System.Text.Encoding.UTF8.GetString(live)} must equal {JsonSerializer.Serialize(envelope, Payload)}");
    }

    [Fact]
    public void AJsonConnectionGetsTheFrameTheProtocolWritesAndAnotherProtocolGetsTheEnvelope()
    {
        var stored = StoredEnvelopeSerializer.Serialize(Broadcast, Payload);
        var envelope = Broadcast.ToEnvelope("tenant:org-a:t1", 7, "epoch");
        StoredEnvelopeSerializer.TryWriteLiveToScratch(stored, envelope.Room!, 7, envelope.Epoch!, out var live).Should().BeTrue();
        var made = 0;
        var prepared = new PreparedBroadcast("service", live, envelope.Room, 7, envelope, e => { made++; return (TenantEnvelope)e; });
        var json = new JsonHubProtocol(Options.Create(new JsonHubProtocolOptions()));

        var frame = prepared.For(json).GetSerializedMessage(json);
        var expected = json.GetMessageBytes(new InvocationMessage("service", [envelope]));

        frame.Span[^1].Should().Be(0x1e, "a JSON protocol frame ends with the record separator");
        JsonNode.DeepEquals(JsonNode.Parse(frame.Span[..^1]), JsonNode.Parse(expected.Span[..^1])).Should().BeTrue();
        var sequence = new ReadOnlySequence<byte>(frame);
        json.TryParseMessage(ref sequence, new Binder(), out var parsed).Should().BeTrue("SignalR's own protocol reads it");
        parsed.Should().BeOfType<InvocationMessage>().Which.Target.Should().Be("service");
        made.Should().Be(0, "a JSON connection needs no envelope object");

        var messagePack = new MessagePackHubProtocol();
        prepared.For(messagePack).Message.Should().BeOfType<InvocationMessage>().Which.Arguments.Should().ContainSingle().Which.Should().BeSameAs(envelope);
        prepared.For(messagePack);
        made.Should().Be(1, "made once, for the first connection of another protocol");
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{}")]
    [InlineData("{\"type\":\"x\"")]
    [InlineData("{\"type\":\"x\"} {\"b\":1}")]
    [InlineData("\"text\"")]
    public void StoredJsonThatIsNotAnObjectWithMembersIsRefused(string stored)
    {
        StoredEnvelopeSerializer.TryWriteLiveToScratch(System.Text.Encoding.UTF8.GetBytes(stored), "tenant:o:t", 1, "e", out _).Should().BeFalse();
    }

    /// <summary>Binds only what the test's frame invokes: one envelope argument.</summary>
    private sealed class Binder : IInvocationBinder
    {
        public IReadOnlyList<Type> GetParameterTypes(string methodName) => [typeof(JsonElement)];

        public Type GetReturnType(string invocationId) => typeof(object);

        public Type GetStreamItemType(string streamId) => typeof(object);
    }
}
