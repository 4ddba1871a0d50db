using System.Net;
using SampleHost.Tests.Infrastructure;

namespace SampleHost.Tests.Abuse;

/// <summary>
/// Two refusals Kestrel makes itself, before any middleware runs, so they carry no problem details body: a request
/// line over 8 KiB (414) and a NUL in the path (400). Neither is a 5xx, and the host answers on afterwards.
/// </summary>
[Collection(SampleHostCollection.Name)]
public sealed class KestrelLimitTests(SampleHostFixture fixture)
{
    [Fact]
    public async Task OverLongRequestLineIs414AndNulInPathIs400()
    {
        using var member = await fixture.Server.ClientAsync("m1", Unique.Org(), "t1", "member");

        (await member.GetAsync($"/api/incidents?state={new string('q', 9_000)}")).Status.Should().Be(HttpStatusCode.RequestUriTooLong);
        (await member.GetAsync("/api/services/a%00b")).Status.Should().Be(HttpStatusCode.BadRequest);

        (await member.GetAsync("/api/incidents?state=all")).Status.Should().Be(HttpStatusCode.OK);
    }
}
