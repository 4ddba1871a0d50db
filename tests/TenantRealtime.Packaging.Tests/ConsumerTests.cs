using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace TenantRealtime.Packaging.Tests;

/// <summary>
/// The five-minute promise, tested as users live it: a fresh app, the packed packages, the README quick start as
/// written, a real client with a token, and a broadcast that reaches the right tenant and no other.
/// </summary>
[Collection(PackedFeedCollection.Name)]
public sealed class ConsumerTests(PackedFeed feed)
{
    private static Dictionary<string, string> JwtSettings() => new()
    {
        ["Jwt__Key"] = TestJwt.KeyText,
        ["Jwt__Issuer"] = TestJwt.Issuer,
        ["Jwt__Audience"] = TestJwt.Audience,
    };

    [Fact]
    public async Task TheReadmeQuickStartDeliversToTheRightTenantOnly()
    {
        await using var app = await ConsumerApp.CreateAsync(feed, Repository.ReadmeBlock("quickstart"), "TenantRealtime", "Microsoft.AspNetCore.Authentication.JwtBearer");
        var address = await app.StartAsync(JwtSettings());

        await ProveTenantDeliveryAsync(address, address);
    }

    [Fact]
    public async Task TheReadmeQuickStartWithAddRedisDeliversAcrossTwoServers()
    {
        // The quick start with its AddTenantRealtime line replaced by the README's scale-out line.
        var quickStart = Repository.ReadmeBlock("quickstart");
        var redisLine = Repository.ReadmeBlock("quickstart-redis").Trim();
        quickStart.Should().Contain("builder.Services.AddTenantRealtime();");
        var program = quickStart.Replace("builder.Services.AddTenantRealtime();", redisLine, StringComparison.Ordinal);
        await using var redis = await RedisServer.StartAsync();
        await using var app = await ConsumerApp.CreateAsync(feed, program, "TenantRealtime", "TenantRealtime.Redis", "Microsoft.AspNetCore.Authentication.JwtBearer");
        var settings = JwtSettings();
        settings["Redis__Configuration"] = redis.ConnectionString;

        var clientsServer = await app.StartAsync(settings);
        var postServer = await app.StartAsync(settings);

        await ProveTenantDeliveryAsync(clientsServer, postServer);
    }

    /// <summary>Posts notes as two tenants of one organization and checks each tenant's client sees exactly its own.</summary>
    internal static async Task ProveTenantDeliveryAsync(Uri clientsServer, Uri postServer)
    {
        var alice = TestUser.Member("alice", "org-a", "t1");
        var bob = TestUser.Member("bob", "org-a", "t2");
        await using var aliceClient = await RealtimeClient.ConnectAsync(new Uri(clientsServer, "/hubs/realtime"), alice, HubProtocolKind.Json, "note-update");
        await using var bobClient = await RealtimeClient.ConnectAsync(new Uri(clientsServer, "/hubs/realtime"), bob, HubProtocolKind.Json, "note-update");
        using var http = new HttpClient { BaseAddress = postServer };

        await PostNoteAsync(http, alice, "first for t1");
        await aliceClient.WaitForAsync("note-update", m => Text(m) == "first for t1");
        await PostNoteAsync(http, bob, "for t2");
        await bobClient.WaitForAsync("note-update", m => Text(m) == "for t2");
        await PostNoteAsync(http, alice, "second for t1");
        await aliceClient.WaitForAsync("note-update", m => Text(m) == "second for t1");

        // Each connection receives in send order: had the other tenant's note leaked, it would already be here.
        aliceClient.Received.Where(m => m.EventName == "note-update").Select(Text).Should().Equal("first for t1", "second for t1");
        bobClient.Received.Where(m => m.EventName == "note-update").Select(Text).Should().Equal("for t2");
        var envelope = aliceClient.Received.First(m => m.EventName == "note-update");
        envelope.String("type").Should().Be("created");
        envelope.String("tenantId").Should().Be("t1");
    }

    private static async Task PostNoteAsync(HttpClient http, TestUser user, string text)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/notes") { Content = JsonContent.Create(new { text }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token());
        using var response = await http.SendAsync(request);
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.Accepted);
    }

    private static string? Text(ReceivedMessage message) =>
        message["data"] is IReadOnlyDictionary<string, object?> data && data.TryGetValue("text", out var text) ? text as string : null;
}
