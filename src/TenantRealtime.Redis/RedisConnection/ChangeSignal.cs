using System.Threading.Channels;

namespace TenantRealtime.Redis.RedisConnection;

/// <summary>
/// Wakes a <see cref="WriteLoop"/> (the registry's heartbeat, the presence writer) when there is something to write, or
/// lets it sleep until its next due time. Signals merge: many changes before the loop runs wake it once.
/// </summary>
internal sealed class ChangeSignal(TimeProvider time)
{
    private readonly Channel<bool> _changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Set() => _changed.Writer.TryWrite(true);

    /// <summary>
    /// Waits up to <paramref name="delay"/> for a signal; while <paramref name="failing"/>, for the delay only, since the
    /// loop's next due write covers the changes anyway. Returns when stopping, too.
    /// </summary>
    public async Task WaitAsync(TimeSpan delay, bool failing, CancellationToken stopping)
    {
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(delay, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
        try
        {
            if (failing)
            {
                await Task.Delay(Timeout.Infinite, linked.Token).ConfigureAwait(false);
            }

            await _changed.Reader.WaitToReadAsync(linked.Token).ConfigureAwait(false);
            _changed.Reader.TryRead(out _);
        }
        catch (OperationCanceledException)
        {
            // Something is due, or the server is stopping.
        }
    }
}
