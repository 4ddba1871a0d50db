using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using TenantRealtime.Hubs;

namespace TenantRealtime.Tests.Hosting;

public sealed class HubArgumentTests
{
    private static HubArgument Json(string json) => HubArgument.Parse(JsonDocument.Parse(json).RootElement.Clone(), "M", "{x}");

    [Fact]
    public void ArgumentReadsStringsFromAJsonObject()
    {
        var argument = Json("""{"organizationId":"org-a","tenantId":null}""");

        argument.GetString("organizationId").Should().Be("org-a");
        argument.GetString("tenantId").Should().BeNull();
        argument.GetString("absent").Should().BeNull();
    }

    [Fact]
    public void ArgumentReadsStringsFromAMessagePackMap()
    {
        var argument = HubArgument.Parse(new Dictionary<object, object?> { ["organizationId"] = "org-a" }, "M", "{x}");

        argument.GetString("organizationId").Should().Be("org-a");
    }

    [Theory]
    [InlineData("""{"organizationId":1}""")]
    [InlineData("""{"organizationId":true}""")]
    [InlineData("""{"organizationId":[]}""")]
    [InlineData("""{"organizationId":{}}""")]
    public void RefuseAFieldOfAnotherType(string json)
    {
        var read = () => Json(json).GetString("organizationId");

        read.Should().Throw<HubException>().WithMessage("invalid-argument: 'organizationId' must be a string.");
    }

    [Theory]
    [InlineData("""{"organizationId":"a","organizationId":"b"}""")]
    [InlineData("""{"organizationId":"a","OrganizationId":"b"}""")]
    public void ArgumentRefusesAFieldGivenTwice(string json)
    {
        var parse = () => Json(json);

        parse.Should().Throw<HubException>().WithMessage("invalid-argument: M received the field '*' more than once.");
    }

    [Theory]
    [InlineData("42")]
    [InlineData("\"org-a\"")]
    [InlineData("[]")]
    [InlineData("null")]
    public void RefuseSomethingThatIsNoObject(string json)
    {
        var parse = () => Json(json);

        parse.Should().Throw<HubException>().WithMessage("invalid-argument: M expects an object like {x}.");
    }

    [Fact]
    public void ArgumentRefusesNull()
    {
        var parse = () => HubArgument.Parse(null, "M", "{x}");

        parse.Should().Throw<HubException>().WithMessage("invalid-argument: *");
    }

    [Theory]
    [InlineData("""{"organizationId":"\ud800"}""", "'organizationId' is not valid text*")]
    [InlineData("""{"organizationId":"a\udc00"}""", "'organizationId' is not valid text*")]
    [InlineData("""{"other":["ok","\ud800"]}""", "'other[1]' is not valid text*")]
    [InlineData("""{"\ud800":"x"}""", "M received a field name that is not valid text*")]
    [InlineData("""{"other":{"\udfff":1}}""", "'other' holds a field name that is not valid text*")]
    [InlineData("""{"other":1e400}""", "'other' is a number out of range.")]
    [InlineData("""{"positions":[{"seq":-1e999}]}""", "'positions[0].seq' is a number out of range.")]
    public void RefuseWhatCannotBeReadAnywhere(string json, string message)
    {
        var parse = () => Json(json);

        parse.Should().Throw<HubException>().WithMessage("invalid-argument: " + message);
    }

    [Fact]
    public void RefuseInvalidUtf8InAValueOrAName()
    {
        // A binary WebSocket message is not checked for UTF-8: System.Text.Json meets the bytes only when decoding.
        var value = () => HubArgument.Parse(JsonDocument.Parse((byte[])[.. "{\"organizationId\":\""u8, 0xff, .. "\"}"u8]).RootElement.Clone(), "M", "{x}");
        var name = () => HubArgument.Parse(JsonDocument.Parse((byte[])[.. "{\""u8, 0xed, 0xa0, 0x80, .. "\":1}"u8]).RootElement.Clone(), "M", "{x}");

        value.Should().Throw<HubException>().WithMessage("invalid-argument: 'organizationId' is not valid text*");
        name.Should().Throw<HubException>().WithMessage("invalid-argument: M received a field name that is not valid text*");
    }

    [Theory]
    [InlineData(HubArgument.MaxDepth, true)]
    [InlineData(HubArgument.MaxDepth + 1, false)]
    [InlineData(60, false)]
    public void RefuseNestingDeeperThanTheBound(int depth, bool accepted)
    {
        // The argument is level 1; its field holds the rest.
        var json = "{\"other\":" + new string('[', depth - 2) + "1" + new string(']', depth - 2) + "}";

        var parse = () => Json(json);

        if (accepted)
        {
            parse.Should().NotThrow();
        }
        else
        {
            parse.Should().Throw<HubException>().WithMessage($"invalid-argument: 'other*' is nested deeper than {HubArgument.MaxDepth} levels.");
        }
    }

    public static TheoryData<object?, string> HostileMessagePackValues => new()
    {
        { double.NaN, "'v' is a number out of range." },
        { float.NegativeInfinity, "'v' is a number out of range." },
        { new byte[] { 1 }, "'v' must be null, a boolean, a number, a string, an array or an object." },
        { DateTime.UnixEpoch, "'v' must be null, a boolean, a number, a string, an array or an object." },
        { new object?[] { "ok", "\ud800" }, "'v[1]' is not valid text*" },
        { new Dictionary<object, object?> { [1] = "x" }, "'v' holds a field name that is not a string." },
        { new Dictionary<object, object?> { ["a"] = 1, ["A"] = 2 }, "M received the field 'v.A' more than once." },
    };

    [Theory]
    [MemberData(nameof(HostileMessagePackValues))]
    public void RefuseWhatJsonCannotSpellFromAMessagePackMap(object? value, string message)
    {
        var parse = () => HubArgument.Parse(new Dictionary<object, object?> { ["v"] = value }, "M", "{x}");

        parse.Should().Throw<HubException>().WithMessage("invalid-argument: " + message);
    }

    [Fact]
    public void ArgumentReadsMessagePackNumbersAsJsonOnes()
    {
        var argument = HubArgument.Parse(new Dictionary<object, object?> { ["a"] = (byte)7, ["b"] = ulong.MaxValue, ["c"] = 7UL }, "M", "{x}");

        argument.GetInt64("a").Should().Be(7);
        argument.GetInt64("c").Should().Be(7);
        var b = () => argument.GetInt64("b");
        b.Should().Throw<HubException>().WithMessage("invalid-argument: 'b' must be a whole number.");
    }

    [Fact]
    public void EveryRefusalGoesThroughTheGivenRefusal()
    {
        var refused = new List<string>();
        HubException Refuse(string sentence)
        {
            refused.Add(sentence);
            return new HubException("counted: " + sentence);
        }

        var undecodable = () => HubArgument.Parse(JsonDocument.Parse("""{"a":"\ud800"}""").RootElement.Clone(), "M", "{x}", Refuse);
        var wrongType = () => HubArgument.Parse(JsonDocument.Parse("""{"positions":[{"seq":"1"}]}""").RootElement.Clone(), "M", "{x}", Refuse)
            .GetObjects("positions", "M", "{seq}", max: 5)[0].GetInt64("seq");

        undecodable.Should().Throw<HubException>().WithMessage("counted: *");
        wrongType.Should().Throw<HubException>().WithMessage("counted: 'positions[0].seq' must be a whole number.");
        refused.Should().HaveCount(2);
    }
}
