using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR.Client;
using TenantRealtime.Client;

namespace TenantRealtime.Redis.Tests.Chaos;

/// <summary>
/// The official .NET client as an app uses it: it reconnects by itself (here every 100 ms, through whatever address
/// it was given), resumes its rooms after each reconnect and hands each broadcast over once, in seq order. Records
/// what it handed over, every resume answer and every reload request.
/// </summary>
internal sealed class ChaosClient : IAsyncDisposable
{
    private readonly TenantRealtimeClient _client;
    private readonly ConcurrentQueue<(long? Seq, string Marker)> _received = new();
    private readonly ConcurrentQueue<ResumeResult> _resumes = new();
    private readonly ConcurrentQueue<ReloadRequiredEventArgs> _reloads = new();

    private ChaosClient(string name, TenantRealtimeClient client)
    {
        Name = name;
        _client = client;
    }

    public string Name { get; }

    /// <summary>The markers handed to the application, in the order it got them.</summary>
    public IReadOnlyList<string> Markers => [.. _received.Select(r => r.Marker)];

    /// <summary>The seqs handed to the application, in the order it got them.</summary>
    public IReadOnlyList<long?> Seqs => [.. _received.Select(r => r.Seq)];

    /// <summary>The answers to the resumes after reconnects.</summary>
    public IReadOnlyList<ResumeResult> Resumes => [.. _resumes];

    public IReadOnlyList<ReloadRequiredEventArgs> Reloads => [.. _reloads];

    public HubConnectionState State => _client.State;

    public static async Task<ChaosClient> ConnectAsync(string name, Uri hubUrl, TestUser user)
    {
        var token = user.Token();
        var client = new TenantRealtimeClient(new TenantRealtimeClientOptions
        {
            HubUrl = hubUrl,
            AccessTokenProvider = () => Task.FromResult<string?>(token),
            ReconnectPolicy = new EveryTenthOfASecond(),
        });
        var chaos = new ChaosClient(name, client);
        client.On<string>("news", e => chaos._received.Enqueue((e.Seq, e.Data ?? "")));
        client.Resumed += result =>
        {
            chaos._resumes.Enqueue(result);
            return Task.CompletedTask;
        };
        client.ReloadRequired += reload =>
        {
            chaos._reloads.Enqueue(reload);
            return Task.CompletedTask;
        };

        using var timeout = new CancellationTokenSource(RealtimeClient.DefaultTimeout);
        await client.StartAsync(timeout.Token);
        return chaos;
    }

    public bool HasReceived(string marker) => _received.Any(r => r.Marker == marker);

    public override string ToString() => Name;

    public ValueTask DisposeAsync() => _client.DisposeAsync();

    /// <summary>Retries at once and then every 100 ms, for 30 s: the server it lands on is chosen by the front door.</summary>
    private sealed class EveryTenthOfASecond : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) =>
            retryContext.ElapsedTime > TimeSpan.FromSeconds(30) ? null
            : retryContext.PreviousRetryCount == 0 ? TimeSpan.Zero
            : TimeSpan.FromMilliseconds(100);
    }
}
