using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using TenantRealtime.Client.Internal;

namespace TenantRealtime.Client.Tests;

/// <summary>
/// A token the server does not accept (401, <c>unauthenticated</c>: for example one already expired, which negotiate
/// refuses even within JwtBearer's clock skew) is refused for good: <c>StartAsync</c> throws
/// <see cref="ConnectionRefusedException"/>, a refused reconnect raises <see cref="TenantRealtimeClient.Refused"/>, and
/// the client does not retry.
/// </summary>
public sealed class ExpiredTokenTests
{
    private static readonly TestUser Alice = TestUser.Member("alice", "org-a", "t1");

    // JwtBearer's default: a token is still accepted 5 minutes after it expired.
    private static RealtimeNodeOptions WithDefaultClockSkew() => new() { JwtClockSkew = TimeSpan.FromMinutes(5) };

    [Fact]
    public async Task StartingWithAnExpiredTokenThrowsConnectionRefusedWithoutRetrying()
    {
        await using var node = await RealtimeNode.StartAsync(WithDefaultClockSkew());
        var asked = 0;
        await using var client = new TenantRealtimeClient(new TenantRealtimeClientOptions
        {
            HubUrl = node.HubUrl,
            AccessTokenProvider = () =>
            {
                Interlocked.Increment(ref asked);
                return Task.FromResult<string?>(Alice.Token(TimeSpan.FromSeconds(-5)));
            },
        });

        var start = () => client.StartAsync();

        var refused = (await start.Should().ThrowAsync<ConnectionRefusedException>()).Which;
        refused.Code.Should().Be("unauthenticated");
        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        refused.InnerException.Should().BeOfType<HttpRequestException>();
        client.State.Should().Be(HubConnectionState.Disconnected);
        asked.Should().Be(1, "a refusal for good is not retried");
    }

    [Fact]
    public async Task AReconnectRefusedForItsExpiredTokenRaisesRefusedAndStops()
    {
        await using var node = await RealtimeNode.StartAsync(WithDefaultClockSkew());
        // A token provider that cannot refresh: the close at expiry reconnects with the same, now expired, token.
        // Long enough for StartAsync to finish first: exp is whole seconds, so 2 s could leave barely one.
        var token = Alice.Token(TimeSpan.FromSeconds(4));
        await using var client = new TenantRealtimeClient(new TenantRealtimeClientOptions
        {
            HubUrl = node.HubUrl,
            AccessTokenProvider = () => Task.FromResult<string?>(token),
        });
        var refused = new TaskCompletionSource<ConnectionRefusedException>(TaskCreationOptions.RunContinuationsAsynchronously);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Refused += refusal =>
        {
            refused.TrySetResult(refusal);
            return Task.CompletedTask;
        };
        client.Connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        await client.StartAsync();

        var refusal = await refused.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(5));

        refusal.Code.Should().Be("unauthenticated");
        refusal.InnerException.Should().BeOfType<HttpRequestException>().Which.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        client.State.Should().Be(HubConnectionState.Disconnected);
    }

    [Fact]
    public void A401EndsReconnectingWhateverThePolicyAndIsReportedOnce()
    {
        var policy = new RefusalAwareRetryPolicy(inner: null);
        var expiredClose = new HubException("Server returned an error on close: unauthenticated: token expired");
        var unauthorized = new HttpRequestException("refused", null, HttpStatusCode.Unauthorized);

        // The close at expiry is tried at once (the token provider is asked again); a 401 on that attempt ends it.
        policy.NextRetryDelay(Context(0, expiredClose)).Should().Be(TimeSpan.Zero);
        policy.NextRetryDelay(Context(1, unauthorized)).Should().BeNull();
        policy.TakeRefusal().Should().BeSameAs(unauthorized);
        policy.TakeRefusal().Should().BeNull();

        RefusedConnects.IsRefusedForGood(unauthorized).Should().BeTrue();
        RefusedConnects.IsRefusedForGood(new WebSocketException("The server returned status code '401' when status code '101' was expected.")).Should().BeTrue();
        RefusedConnects.IsRefusedForGood(new HttpRequestException("refused", null, HttpStatusCode.TooManyRequests)).Should().BeFalse();
    }

    private static RetryContext Context(long previous, Exception reason) => new() { PreviousRetryCount = previous, RetryReason = reason };
}
