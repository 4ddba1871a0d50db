using System.Net;
using System.Text.Json;
using SampleHost.Tests.Infrastructure;

namespace SampleHost.Tests.Api;

/// <summary>
/// A null, empty or malformed id anywhere in the REST API is a 400 problem naming the field, for every role — never a
/// 500 (a platform admin's broadcast with a null organizationId was one), and never mistaken for "not given" or for
/// another organization (403).
/// </summary>
[Collection(SampleHostCollection.Name)]
public sealed class MalformedIdTests(SampleHostFixture fixture)
{
    // The JSON of each bad value, as it goes into a body.
    public static readonly TheoryData<string> BadIds = new() { "null", "\"\"", "\"a:b\"", "\"   \"", "42", "{}" };

    public static readonly TheoryData<string, string> BroadcastCases = Cross(
        ["admin", "platform-admin"],
        [
            """{"scope":"organization","organizationId":ID,"event":"custom-note","type":"x"}""",
            """{"scope":"tenant","organizationId":ID,"tenantId":"t1","event":"custom-note","type":"x"}""",
            """{"scope":"user","organizationId":ID,"userId":"m1","event":"custom-note","type":"x"}""",
            """{"scope":"all","organizationId":ID,"event":"custom-note","type":"x"}""",
            """{"scope":"tenant","tenantId":ID,"event":"custom-note","type":"x"}""",
            """{"scope":"user","userId":ID,"event":"custom-note","type":"x"}""",
        ]);

    public static readonly TheoryData<string, string> WriteCases = Cross(
        ["member-t1", "admin", "platform-admin"],
        [
            """POST /api/services {"name":"db","status":"operational","organizationId":ID}""",
            """POST /api/services {"name":"db","status":"operational","tenantId":ID_NOT_NULL}""",
            """POST /api/incidents {"name":"down","status":"investigating","impact":"minor","message":"m","organizationId":ID}""",
        ]);

    [Theory]
    [MemberData(nameof(BroadcastCases))]
    public async Task ABroadcastNamingABadIdIsA400OnThatField(string caller, string template)
    {
        var world = await World.CreateAsync(fixture.Server);
        using var client = await world.ClientAsync(caller);
        foreach (var bad in BadIds)
        {
            var body = template.Replace("ID", bad, StringComparison.Ordinal);
            ExpectFieldError(await client.SendRawAsync(HttpMethod.Post, "/api/websocket/broadcast", body), FieldOf(template), body);
        }
    }

    [Theory]
    [MemberData(nameof(WriteCases))]
    public async Task AWriteNamingABadIdIsA400OnThatField(string caller, string request)
    {
        var world = await World.CreateAsync(fixture.Server);
        using var client = await world.ClientAsync(caller);
        var (method, path, template) = (request.Split(' ')[0], request.Split(' ')[1], request[(request.IndexOf('{', StringComparison.Ordinal))..]);
        foreach (var bad in BadIds)
        {
            // A service's tenantId null means organization-wide: only its non-null bad values are errors.
            if (template.Contains("ID_NOT_NULL", StringComparison.Ordinal) && bad == "null")
            {
                continue;
            }

            var body = template.Replace("ID_NOT_NULL", bad, StringComparison.Ordinal).Replace("ID", bad, StringComparison.Ordinal);
            ExpectFieldError(await client.SendRawAsync(new HttpMethod(method), path, body), FieldOf(template), body);
        }
    }

    [Theory]
    [InlineData("member-t1")]
    [InlineData("admin")]
    [InlineData("platform-admin")]
    public async Task AQueryNamingAnEmptyOrMalformedOrganizationIsA400(string caller)
    {
        var world = await World.CreateAsync(fixture.Server);
        using var client = await world.ClientAsync(caller);
        foreach (var path in new[] { "/api/services", "/api/incidents", "/api/websocket/info" })
        {
            foreach (var bad in new[] { "", "a%3Ab", "%20" })
            {
                ExpectFieldError(await client.GetAsync($"{path}?organizationId={bad}"), "organizationId", $"{path}?organizationId={bad}");
            }
        }
    }

    [Theory]
    [InlineData("userId")]
    [InlineData("organizationId")]
    public async Task TheDevTokenRefusesANullOrMalformedIdButTakesANullTenant(string field)
    {
        // Not disposed: it wraps the fixture's shared anonymous HttpClient.
        var anonymous = new ApiClient(fixture.Server.Anonymous);
        foreach (var bad in BadIds)
        {
            var body = field == "userId"
                ? $$"""{"userId":{{bad}},"organizationId":"org-a","role":"member"}"""
                : $$"""{"userId":"alice","organizationId":{{bad}},"role":"member"}""";
            ExpectFieldError(await anonymous.SendRawAsync(HttpMethod.Post, "/api/dev/token", body), field, body);
        }

        var noTenant = await anonymous.SendRawAsync(HttpMethod.Post, "/api/dev/token", """{"userId":"boss","organizationId":"org-a","tenantId":null,"role":"admin"}""");
        noTenant.Status.Should().Be(HttpStatusCode.OK, "a null tenantId is an admin without a tenant: {0}", noTenant.Text);
        ExpectFieldError(
            await anonymous.SendRawAsync(HttpMethod.Post, "/api/dev/token", """{"userId":"alice","organizationId":"org-a","tenantId":"a:b","role":"member"}"""), "tenantId", "tenantId a:b");
    }

    private static void ExpectFieldError(ApiResponse response, string field, string what)
    {
        response.Status.Should().Be(HttpStatusCode.BadRequest, "{0} answered {1}", what, response.Text);
        response.ContentType.Should().Be("application/problem+json");
        response.Json.GetProperty("errors").TryGetProperty(field, out var messages).Should().BeTrue("the problem names {0}: {1}", field, response.Text);
        messages.ValueKind.Should().Be(JsonValueKind.Array);
    }

    private static string FieldOf(string template)
    {
        var at = template.IndexOf(":ID", StringComparison.Ordinal);
        var start = template.LastIndexOf('"', template.LastIndexOf('"', at - 1) - 1) + 1;
        return template[start..template.IndexOf('"', start)];
    }

    private static TheoryData<string, string> Cross(string[] callers, string[] templates)
    {
        var data = new TheoryData<string, string>();
        foreach (var caller in callers)
        {
            foreach (var template in templates)
            {
                data.Add(caller, template);
            }
        }

        return data;
    }
}
