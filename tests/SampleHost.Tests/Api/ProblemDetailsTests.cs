using System.Net;
using SampleHost.Tests.Infrastructure;

namespace SampleHost.Tests.Api;

/// <summary>Every error is RFC 7807 problem details, with field errors for validation, and never a stack trace.</summary>
[Collection(SampleHostCollection.Name)]
public sealed class ProblemDetailsTests(SampleHostFixture fixture)
{
    [Fact]
    public async Task MalformedJsonIsA400ProblemWithoutStackTrace()
    {
        using var admin = await fixture.Server.ClientAsync("a", Unique.Org(), null, "admin");

        var response = await admin.SendRawAsync(HttpMethod.Post, "/api/services", "{\"name\": ");

        response.Status.Should().Be(HttpStatusCode.BadRequest);
        response.ContentType.Should().Be("application/problem+json");
        response.Json.GetProperty("errors").TryGetProperty("body", out _).Should().BeTrue();
        response.Text.Should().NotMatchRegex(@"at [\w.]+\(").And.NotContain("Exception");
    }

    [Fact]
    public async Task ValidationListsEveryFieldError()
    {
        using var admin = await fixture.Server.ClientAsync("a", Unique.Org(), null, "admin");

        var response = await admin.PostAsync("/api/services", new { status = "sideways", position = -1, tenantId = "bad id" });

        response.Status.Should().Be(HttpStatusCode.BadRequest);
        var errors = response.Json.GetProperty("errors");
        foreach (var field in new[] { "name", "status", "position", "tenantId" })
        {
            errors.TryGetProperty(field, out _).Should().BeTrue(field);
        }
    }

    [Fact]
    public async Task MalformedRouteIdIs400AndUnknownIdIs404()
    {
        using var admin = await fixture.Server.ClientAsync("a", Unique.Org(), null, "admin");

        (await admin.GetAsync("/api/services/a:b")).Status.Should().Be(HttpStatusCode.BadRequest);
        var missing = await admin.GetAsync("/api/services/nope");
        missing.Status.Should().Be(HttpStatusCode.NotFound);
        missing.ContentType.Should().Be("application/problem+json");
        (await admin.GetAsync("/api/no-such-route")).ContentType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task MissingOrIncompleteTokenIs401Problem()
    {
        var anonymous = await ApiResponse.ReadAsync(await fixture.Server.Anonymous.GetAsync("/api/services"));
        anonymous.Status.Should().Be(HttpStatusCode.Unauthorized);
        anonymous.ContentType.Should().Be("application/problem+json");

        // Signed with the right key but without org_id: authenticated by JWT, refused as a tenant identity.
        using var noOrg = new ApiClient(fixture.Server.CreateClient(TestTokens.Sign(new() { ["sub"] = "x", ["role"] = "admin" })));
        (await noOrg.GetAsync("/api/services")).Status.Should().Be(HttpStatusCode.Unauthorized);
        using var badId = new ApiClient(fixture.Server.CreateClient(TestTokens.Sign(new() { ["sub"] = "x", ["org_id"] = "a:b" })));
        (await badId.GetAsync("/api/services")).Status.Should().Be(HttpStatusCode.Unauthorized);
        using var forged = new ApiClient(fixture.Server.CreateClient(TestTokens.Sign(new() { ["sub"] = "x", ["org_id"] = "o" }, key: new string('k', 40))));
        (await forged.GetAsync("/api/services")).Status.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task MergePatchRemovesNullFieldsAndKeepsAbsentOnes()
    {
        using var admin = await fixture.Server.ClientAsync("a", Unique.Org(), null, "admin");
        var created = await admin.PostAsync("/api/services", new { name = "API", description = "REST", group = "Core", position = 3 });
        var id = created.Json.GetProperty("id").GetString();

        var patched = (await admin.SendRawAsync(HttpMethod.Patch, $"/api/services/{id}", "{\"description\": null, \"status\": \"partial_outage\"}")).Json;

        patched.GetProperty("description").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);
        patched.GetProperty("group").GetString().Should().Be("Core");
        patched.GetProperty("position").GetInt32().Should().Be(3);
        patched.GetProperty("status").GetString().Should().Be("partial_outage");
        (await admin.SendRawAsync(HttpMethod.Patch, $"/api/services/{id}", "{\"name\": null}")).Status.Should().Be(HttpStatusCode.BadRequest);
        (await admin.DeleteAsync($"/api/services/{id}")).Status.Should().Be(HttpStatusCode.NoContent);
        (await admin.GetAsync($"/api/services/{id}")).Status.Should().Be(HttpStatusCode.NotFound);
    }
}
