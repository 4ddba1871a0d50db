using System.Net;
using System.Net.Http;

namespace TenantRealtime.Redis.Tests.Chaos;

/// <summary>
/// Broadcasts to one tenant through a server's HTTP endpoint, one request at a time with a short pause between
/// them, as an app's traffic would, and records every outcome in order. It ends when stopped or when the server
/// stops answering (killed).
/// </summary>
internal sealed class BroadcastLoop : IAsyncDisposable
{
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private readonly List<Issued> _issued = [];
    private readonly Task _loop;

    private BroadcastLoop(TestHostServer server, string organizationId, string tenantId, string prefix) =>
        _loop = RunAsync(server, organizationId, tenantId, prefix, _stopping.Token);

    /// <summary>Every broadcast issued so far, in order.</summary>
    public IReadOnlyList<Issued> Issued
    {
        get
        {
            lock (_lock)
            {
                return [.. _issued];
            }
        }
    }

    /// <summary>Completes when the loop has ended (stopped, or the server stopped answering).</summary>
    public Task Completion => _loop;

    public static BroadcastLoop Start(TestHostServer server, string organizationId, string tenantId, string prefix) =>
        new(server, organizationId, tenantId, prefix);

    /// <summary>Waits until no broadcast is in flight and holds the next one back until the returned handle is disposed.</summary>
    public async Task<IDisposable> PauseAsync()
    {
        await _turn.WaitAsync();
        return new Resume(_turn);
    }

    /// <summary>Stops after the broadcast in flight, if any, has been answered.</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        await _loop;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stopping.Dispose();
        _turn.Dispose();
    }

    public Task WaitUntilAsync(Func<IReadOnlyList<Issued>, bool> condition, string what, TimeSpan? timeout = null) =>
        Infrastructure.Eventually.HoldsAsync(() => _loop.IsFaulted ? throw _loop.Exception! : condition(Issued), what, timeout ?? TimeSpan.FromSeconds(30));

    private async Task RunAsync(TestHostServer server, string organizationId, string tenantId, string prefix, CancellationToken stopping)
    {
        await Task.Yield();
        for (var i = 0; !stopping.IsCancellationRequested; i++)
        {
            try
            {
                await _turn.WaitAsync(stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var marker = $"{prefix}{i:D4}";
            try
            {
                // Never cancelled by the test: a request cut short would leave its outcome unknown.
                var (status, seq) = await server.BroadcastAsync(organizationId, tenantId, marker);
                Record(new Issued(marker, status, seq));
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // The server died with the request: Redis may or may not have numbered it.
                Record(new Issued(marker, Status: null, Seq: null));
                return;
            }
            finally
            {
                _turn.Release();
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Record(Issued issued)
    {
        lock (_lock)
        {
            _issued.Add(issued);
        }
    }

    private sealed class Resume(SemaphoreSlim turn) : IDisposable
    {
        public void Dispose() => turn.Release();
    }
}

/// <summary>One broadcast request and its outcome: <see cref="Status"/> is null when the server never answered.</summary>
internal sealed record Issued(string Marker, HttpStatusCode? Status, long? Seq)
{
    /// <summary>The server took responsibility for it: numbered and sent (200), or in its outbox (202).</summary>
    public bool Accepted => Status is HttpStatusCode.OK or HttpStatusCode.Accepted;

    /// <summary>Accepted without a seq: waiting in the server's outbox when it answered.</summary>
    public bool Queued => Status == HttpStatusCode.Accepted;

    public bool Unanswered => Status is null;
}
