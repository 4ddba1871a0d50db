using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TenantRealtime.Client.Tests;

/// <summary>The client against a server from before topics: a hub with the calls the client makes at connect and no <c>Subscribe</c>.</summary>
public sealed class OldServerTests
{
    [Theory]
    [InlineData(HubProtocolKind.Json)]
    [InlineData(HubProtocolKind.MessagePack)]
    public async Task SubscribingOnAServerWithoutTopicsThrowsNotSupportedAndTheClientKeepsWorking(HubProtocolKind protocol)
    {
        await using var app = await StartOldServerAsync();
        var url = new Uri(new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single()), "/hub");
        await using var client = new TenantRealtimeClient(new TenantRealtimeClientOptions
        {
            HubUrl = url,
            ConfigureConnection = builder =>
            {
                if (protocol == HubProtocolKind.MessagePack)
                {
                    builder.AddMessagePackProtocol();
                }
            },
        });
        await client.StartAsync().WaitAsync(TimeSpan.FromSeconds(15));

        var single = async () => await client.SubscribeAsync(TopicRef.Tenant("incident:42"));
        var list = async () => await client.SubscribeAsync([TopicRef.Tenant("incident:42"), TopicRef.Organization("release")]);

        (await single.Should().ThrowAsync<NotSupportedException>()).Which.Message.Should().Contain("does not support topics");
        await list.Should().ThrowAsync<NotSupportedException>();
        client.Topics.Should().BeEmpty();
        (await client.ResumeAsync()).Rooms.Should().BeEmpty("the connection works as before");
    }

    private static async Task<WebApplication> StartOldServerAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSignalR().AddMessagePackProtocol();
        var app = builder.Build();
        app.MapHub<OldHub>("/hub");
        await app.StartAsync();
        return app;
    }

    /// <summary>What a server before topics answers to the calls the client makes at connect.</summary>
    public sealed class OldHub : Hub
    {
#pragma warning disable CA1822 // SignalR finds hub methods among instance members.
        public ResumeResult Resume(Dictionary<string, object?> request) => new([]);

        public AuthenticateResponse Authenticate(Dictionary<string, object?> request) => new() { Success = true, UserId = "alice", OrganizationId = "org-a", TenantId = "t1" };
#pragma warning restore CA1822

        public async Task<Dictionary<string, object?>> Ping()
        {
            var stamp = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture) + Guid.NewGuid().ToString("N");
            await Clients.Caller.SendAsync(TenantRealtimeWire.Events.Pong, new Dictionary<string, object?> { ["timestamp"] = stamp });
            return new Dictionary<string, object?> { ["timestamp"] = stamp };
        }
    }
}
