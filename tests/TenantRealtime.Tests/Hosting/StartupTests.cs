using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace TenantRealtime.Tests.Hosting;

public sealed class StartupTests
{
    [Fact]
    public async Task SetupRefusesToMapAnOpenHubWhenTheAppHasNoAuthentication()
    {
        var start = () => RealtimeNode.StartAsync(new RealtimeNodeOptions { UseJwtAuthentication = false });

        await start.Should().ThrowAsync<InvalidOperationException>()
            .WithMessage("*no authentication configured*AddAuthentication()*AllowAnonymous = true*");
    }

    [Fact]
    public void SetupRefusesToMapTheHubWithoutItsServices()
    {
        var app = WebApplication.CreateSlimBuilder().Build();

        var map = () => app.MapTenantRealtime();

        map.Should().Throw<InvalidOperationException>().WithMessage("*AddTenantRealtime()*");
    }

    [Fact]
    public async Task SetupAcceptsAnonymousConnectionsOnlyWhenAskedAndGivesThemGlobalBroadcastsOnly()
    {
        await using var node = await RealtimeNode.StartAsync(new RealtimeNodeOptions
        {
            UseJwtAuthentication = false,
            Configure = o => o.AllowAnonymous = true,
        });
        await using var anonymous = RealtimeClient.Create(node.HubUrl, token: null, events: "news");
        await anonymous.StartAsync();

        // The start completes at the handshake, before the server accepts the connection (broadcasts skip it until
        // then); SignalR runs an invocation only after that, so the ping's answer means it is accepted.
        await anonymous.InvokeAsync("Ping");
        var join = () => anonymous.InvokeAsync("JoinOrganization", new { organizationId = "org-a" });
        var authenticate = () => anonymous.InvokeAsync("Authenticate", new { });
        await node.Broadcaster.BroadcastToOrganizationAsync("org-a", "news", "created", "org-only");
        await node.Broadcaster.BroadcastToAllAsync("news", "created", "everyone");

        await anonymous.WaitForAsync("news", m => m.String("data") == "everyone");
        anonymous.Markers("news").Should().Equal("everyone");
        (await join.Should().ThrowAsync<Microsoft.AspNetCore.SignalR.HubException>()).Which.Message.Should().Contain("HubException: unauthenticated: ");
        (await authenticate.Should().ThrowAsync<Microsoft.AspNetCore.SignalR.HubException>()).Which.Message.Should().Contain("HubException: unauthenticated: ");
        (await node.Registry.CountAsync()).Should().Be(1);
    }

    [Fact]
    public void SetupIsIdempotentAndAppliesEveryConfiguration()
    {
        var services = new ServiceCollection();
        services.AddLogging();

        services.AddTenantRealtime(o => o.MaxIdLength = 32);
        var builder = services.AddTenantRealtime(o => o.AllowAnonymous = true);

        builder.Services.Should().BeSameAs(services);
        services.Count(d => d.ServiceType == typeof(ITenantBroadcaster)).Should().Be(1);
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<TenantRealtimeOptions>>().Value;
        options.MaxIdLength.Should().Be(32);
        options.AllowAnonymous.Should().BeTrue();
    }

    [Fact]
    public void SetupLetsTheAppReplaceEveryDefault()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IRoomResolver, GrantingResolver>();
        services.AddTenantRealtime();
        services.AddSingleton<IAuthenticator, FixedAuthenticator>();

        using var provider = services.AddLogging().BuildServiceProvider();

        provider.GetRequiredService<IRoomResolver>().Should().BeOfType<GrantingResolver>();
        provider.GetRequiredService<IAuthenticator>().Should().BeOfType<FixedAuthenticator>();
    }

    [Fact]
    public void SetupLetsTheBuilderReplaceTheAuthenticatorAndTheResolverWhateverWasRegisteredBefore()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IAuthenticator, FixedAuthenticator>();

        services.AddTenantRealtime().WithRoomResolver<GrantingResolver>().WithAuthenticator<SecondAuthenticator>();

        services.Count(d => d.ServiceType == typeof(IAuthenticator)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(IRoomResolver)).Should().Be(1);
        using var provider = services.AddLogging().BuildServiceProvider();
        provider.GetRequiredService<IAuthenticator>().Should().BeOfType<SecondAuthenticator>();
        provider.GetRequiredService<IRoomResolver>().Should().BeOfType<GrantingResolver>();
        provider.GetRequiredService<IAuthenticator>().Should().BeSameAs(provider.GetRequiredService<IAuthenticator>(), "the library resolves it from singletons");
    }

    private sealed class SecondAuthenticator : IAuthenticator
    {
        public ValueTask<AuthenticationResult> AuthenticateAsync(AuthenticationContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult(AuthenticationResult.Fail("not used."));
    }
}
