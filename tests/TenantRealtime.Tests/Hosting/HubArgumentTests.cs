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
}
