using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using TenantRealtime.Redis.Tests.Infrastructure;

namespace TenantRealtime.Redis.Tests.Connections;

/// <summary>RefreshUserRooms issued on one server re-checks the user's connections on the server that holds them.</summary>
public sealed class RefreshAcrossServersTests : IAsyncLifetime
{
    private readonly WithdrawableAuthenticator _authenticator = new();
    private RedisServer _redis = null!;
    private RealtimeNode _holder = null!;
    private RealtimeNode _caller = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _holder = await StartAsync();
        _caller = await StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _caller.DisposeAsync();
        await _holder.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task RefreshOnAnotherServerClosesAConnectionWhoseAccessWasWithdrawn()
    {
        await using var alice = await Clients.ConnectAsync(_holder, TestUser.Member("alice", "org-a", "t1"));
        await using var amy = await Clients.ConnectAsync(_holder, TestUser.Member("amy", "org-a", "t1"));

        _authenticator.Withdrawn["org-a/alice"] = true;
        await _caller.Connections.RefreshUserRoomsAsync("org-a", "alice");

        await alice.Closed.WaitAsync(RealtimeClient.DefaultTimeout);
        (await amy.InvokeAsync("Ping")).Should().ContainKey("timestamp");
        await Eventually.HoldsAsync(async () => await _caller.Registry.CountAsync("org-a") == 1, "only amy is counted");
    }

    private Task<RealtimeNode> StartAsync()
    {
        var options = new RealtimeNodeOptions
        {
            Realtime = realtime => realtime.AddRedis(_redis.ConnectionString),
            Services = services => services.AddSingleton<IAuthenticator>(_authenticator),
        };
        return RealtimeNode.StartAsync(options);
    }

    /// <summary>Reads the contract's claims, and refuses users the app has withdrawn (shared by both servers, like a database).</summary>
    private sealed class WithdrawableAuthenticator : IAuthenticator
    {
        public ConcurrentDictionary<string, bool> Withdrawn { get; } = new();

        public ValueTask<AuthenticationResult> AuthenticateAsync(AuthenticationContext context, CancellationToken cancellationToken)
        {
            var user = context.User;
            string? Claim(string type) => user.FindFirst(type)?.Value;
            var (userId, organizationId) = (Claim("sub"), Claim("org_id"));
            if (userId is null || organizationId is null || Withdrawn.ContainsKey($"{organizationId}/{userId}"))
            {
                return ValueTask.FromResult(AuthenticationResult.Fail("access withdrawn."));
            }

            return ValueTask.FromResult(AuthenticationResult.Success(
                new TenantIdentity(userId, organizationId, Claim("tenant_id"), Claim("role") ?? TenantRoles.Member)));
        }
    }
}
