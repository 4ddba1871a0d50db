namespace TenantRealtime.Redis.Backplane;

/// <summary>
/// One lane of the <see cref="GroupCommit"/>: a broadcast that arrives while no call is in flight goes at once; one that
/// arrives while a call is in flight waits and goes with the others that waited, in the next call, oldest first, up to a
/// count and a size. Another call starts beside those in flight (up to <c>maxInFlight</c>) only once at least
/// <c>fullBatch</c> broadcasts wait, so a moderate load goes in few, larger calls and a heavy load keeps Redis busy.
/// Calls are handed to the connection under the lane's lock, so Redis runs them in the order their broadcasts arrived.
/// The next call is sent before the finished one's callers continue, so Redis works on it while this server delivers.
/// A failed call fails what waits behind it too.
/// </summary>
/// <remarks>
/// Why not always many calls: each script call costs Redis a fixed share (its request, the script's start, its reply)
/// whatever it carries: at 2,000 broadcasts/s calls of about four cost Redis 0.94× what one call per broadcast did.
/// Why not always one: under load each reply waits in the thread pool's queue, and a lane that sends nothing meanwhile
/// fell to 0.40× the highest sustained rate of pipelining every broadcast.
/// </remarks>
internal sealed class CommitLane(Func<List<AppendRequest>, Task<TenantEnvelope[]>> send, int maxCount, int maxBytes, int maxInFlight, int fullBatch)
{
    private readonly Queue<AppendRequest> _waiting = new();
    private readonly Lock _lock = new();
    private int _inFlight;

    /// <summary>Gets the calls in flight now.</summary>
    public int InFlight
    {
        get
        {
            lock (_lock)
            {
                return _inFlight;
            }
        }
    }

    /// <summary>
    /// Adds <paramref name="request"/>; sends it at once (with whatever else waits) when no call is in flight, or when a
    /// full batch waits and fewer calls are in flight than allowed.
    /// </summary>
    public void Add(AppendRequest request)
    {
        List<AppendRequest> batch;
        Task<TenantEnvelope[]> call;
        lock (_lock)
        {
            _waiting.Enqueue(request);
            if (_inFlight > 0 && (_inFlight >= maxInFlight || _waiting.Count < fullBatch))
            {
                return;
            }

            _inFlight++;
            batch = TakeLocked();
            call = Send(batch);
        }

        _ = RunAsync(batch, call);
    }

    private async Task RunAsync(List<AppendRequest> batch, Task<TenantEnvelope[]> call)
    {
        while (true)
        {
            try
            {
                await call.ConfigureAwait(false);
            }
            catch
            {
                // Observed below, per request.
            }

            List<AppendRequest>? next = null;
            List<AppendRequest>? behind = null;
            Task<TenantEnvelope[]>? nextCall = null;
            lock (_lock)
            {
                if (!call.IsCompletedSuccessfully)
                {
                    // What waited behind a failed call fails with it rather than overtaking it: the callers retry in
                    // their order (the outbox), so a room's broadcasts keep the order they were made in.
                    behind = [.. _waiting];
                    _waiting.Clear();
                    _inFlight--;
                }
                else if (_waiting.Count > 0)
                {
                    next = TakeLocked();
                    nextCall = Send(next);
                }
                else
                {
                    _inFlight--;
                }
            }

            Complete(batch, call);
            if (behind is not null)
            {
                Complete(behind, call);
            }

            if (next is null)
            {
                return;
            }

            (batch, call) = (next, nextCall!);
        }
    }

    private Task<TenantEnvelope[]> Send(List<AppendRequest> batch)
    {
        try
        {
            return send(batch);
        }
        catch (Exception ex)
        {
            return Task.FromException<TenantEnvelope[]>(ex);
        }
    }

    private static void Complete(List<AppendRequest> batch, Task<TenantEnvelope[]> call)
    {
        if (call.IsCompletedSuccessfully)
        {
            var envelopes = call.Result;
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].TrySetResult(envelopes[i]);
            }

            return;
        }

        // The call failed (or Redis's reply was lost): none of these is known to be numbered, so each caller treats its
        // broadcast as not sent, and a retry carries its id.
        var failure = call.Exception?.InnerException ?? new TaskCanceledException(call);
        foreach (var request in batch)
        {
            request.TrySetException(failure);
        }
    }

    private List<AppendRequest> TakeLocked()
    {
        var batch = new List<AppendRequest>(Math.Min(_waiting.Count, maxCount));
        var bytes = 0;

        // At least one, however large: a single broadcast is bounded by the hub's own limits, not by the batch.
        while (_waiting.TryPeek(out var next) && batch.Count < maxCount && (batch.Count == 0 || bytes + next.Bytes <= maxBytes))
        {
            batch.Add(_waiting.Dequeue());
            bytes += next.Bytes;
        }

        return batch;
    }
}
