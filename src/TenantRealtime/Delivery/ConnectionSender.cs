using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace TenantRealtime.Delivery;

/// <summary>
/// One connection's outgoing messages. A message is written inline while nothing is queued or in flight; only while a
/// flush is pending (the client reads slower than we write) are messages queued, and one drain task writes them in
/// order and ends when the queue is empty. The queue is bounded in bytes and messages: a connection over the bound is
/// cut loose (<see cref="OverBound"/>) instead of holding anyone else up. State changes are the exception: a newer
/// change of a key replaces the queued one (<see cref="SendQueue"/>), so they are bounded by the keys of the rooms the
/// connection holds and never count against the bound. An idle connection holds no task, timer or queue.
/// </summary>
/// <remarks>
/// Every write goes through <see cref="HubConnectionContext.WriteAsync(SerializedHubMessage, CancellationToken)"/>
/// (or its <see cref="HubMessage"/> overload), which takes SignalR's write lock; the transport's pipe is never touched.
/// The common case (nothing queued) takes no lock: whoever moves <c>_state</c> from idle to writing by compare-and-swap
/// holds the writer role; the queue and everything about it are guarded by <c>_sync</c>.
/// </remarks>
internal sealed partial class ConnectionSender(HubConnectionContext connection, SendLimits limits, SendBacklog backlog)
{
    private const int Idle = 0;
    private const int Writing = 1;

    private readonly Lock _sync = new();

    // The writer role: whoever holds it writes; an inline sender, the drain task, or nobody while a replay slot at the
    // head of the queue waits for its entries (parked). Everyone else queues behind.
    private int _state;

    // How many items are queued, readable without the lock: the writer checks it before giving up the role, and a
    // sender that took the role checks it before writing past them.
    private int _queued;
    private SendQueue? _queue;

    // What counts against the bound: everything queued but state changes, which are bounded by replacement instead.
    private long _queuedBytes;
    private int _queuedMessages;
    private long _stateBytes;
    private bool _parked;
    private volatile bool _closed;

    // Bools pack into the padding after the int fields, so these cost an idle connection nothing.
    private bool _closingForReason;
    private volatile bool _accepted;

    public HubConnectionContext Connection { get; } = connection;

    public string ConnectionId => Connection.ConnectionId;

    /// <summary>Called once, outside the lock, with the backlog that passed the bound; the connection must then be closed.</summary>
    public Action<ConnectionSender, long, int>? OverBound { get; init; }

    /// <summary>Gets the SignalR groups the connection is in; replaced (never mutated) by the group store.</summary>
    public string[] Groups { get; set; } = [];

    /// <summary>Sends a message shared by many recipients (serialized once per protocol).</summary>
    /// <param name="message">The message.</param>
    /// <param name="room">The room of a numbered broadcast, so that a replay can drop what it already sent.</param>
    /// <param name="seq">The broadcast's seq in <paramref name="room"/>, or 0.</param>
    public void Send(SerializedHubMessage message, string? room = null, long seq = 0) => Send(new Outgoing(message, room, seq));

    /// <summary>Sends a message to this connection only: a reply such as <c>pong</c>, or a close message.</summary>
    public void Send(HubMessage message) => Send(new Outgoing(message, room: null, seq: 0));

    /// <summary>
    /// Sends a change of one state key (shared by many recipients). While it waits in the queue, a newer change of the
    /// same key replaces it: the client gets the newer one, after what was queued meanwhile, and skips the replaced
    /// version.
    /// </summary>
    public void SendStateChange(SerializedHubMessage message, string room, string key) => Send(new Outgoing(message, room, key));

    /// <summary>
    /// Gets whether the hub has accepted the connection's identity (stored it). Broadcasts of every scope skip a
    /// connection until then, so one the hub refuses receives nothing; replies to it (a close, a pong) are not broadcasts.
    /// </summary>
    public bool Accepted => _accepted;

    /// <summary>Marks the connection accepted by the hub: from now on broadcasts reach it.</summary>
    public void Accept() => _accepted = true;

    /// <summary>Stops sending, as <see cref="Close"/> does; returns true to the first caller only, who writes the close's reason.</summary>
    public bool CloseForReason()
    {
        List<ReplaySlot>? slots;
        lock (_sync)
        {
            if (_closingForReason)
            {
                return false;
            }

            _closingForReason = true;
            slots = CloseLocked();
        }

        MarkWritten(slots);
        return true;
    }

    /// <summary>Stops sending: queued messages are dropped and replays in progress end. Idempotent.</summary>
    public void Close()
    {
        List<ReplaySlot>? slots;
        lock (_sync)
        {
            slots = CloseLocked();
        }

        MarkWritten(slots);
    }

    private void Send(Outgoing message)
    {
        if (_closed)
        {
            return;
        }

        if (Interlocked.CompareExchange(ref _state, Writing, Idle) == Idle)
        {
            // The role is ours. Anything still queued (the last writer was just letting go) goes first.
            if (Volatile.Read(ref _queued) == 0)
            {
                Write(message.WriteTo(Connection));
            }
            else
            {
                Enqueue(message, holdingRole: true);
            }

            return;
        }

        Enqueue(message, holdingRole: false);
    }

    private void Enqueue(Outgoing message, bool holdingRole)
    {
        long bytes;
        int messages;
        lock (_sync)
        {
            if (_closed)
            {
                return;
            }

            message.Bytes = message.SizeFor(Connection.Protocol);
            if (message.ChangeKey is { } key)
            {
                var replaced = (_queue ??= new SendQueue()).EnqueueChange(message, message.Room!, key);
                var freed = replaced?.Bytes ?? 0;
                _stateBytes += message.Bytes - freed;
                backlog.Add(message.Bytes - freed);
                if (replaced is not null)
                {
                    backlog.Replaced();
                }

                Interlocked.Exchange(ref _queued, _queue.Count);
            }
            else
            {
                EnqueueLocked(message);
                _queuedBytes += message.Bytes;
                _queuedMessages++;
                backlog.Add(message.Bytes);
            }

            (bytes, messages) = (_queuedBytes, _queuedMessages);
        }

        if (bytes > limits.MaxBytes || messages > limits.MaxMessages)
        {
            CutLoose(bytes, messages);
            return;
        }

        // The writer may have let go of the role just before this was queued: then it is ours to write.
        if (holdingRole || Interlocked.CompareExchange(ref _state, Writing, Idle) == Idle)
        {
            WriteQueued();
        }
    }

    private void EnqueueLocked(Outgoing item)
    {
        (_queue ??= new SendQueue()).Enqueue(item);
        Interlocked.Exchange(ref _queued, _queue.Count);
    }

    /// <summary>
    /// Holds the writer role after a write: keeps writing what queued meanwhile, inline while each write completes at
    /// once, and hands over to a drain task at the first pending flush.
    /// </summary>
    private void Write(ValueTask write)
    {
        while (true)
        {
            if (!write.IsCompletedSuccessfully)
            {
                _ = DrainAsync(write);
                return;
            }

            // A ValueTask backed by a pooled source must be observed before it is reused.
            write.GetAwaiter().GetResult();
            if (!TryTakeNext(out var next))
            {
                return;
            }

            write = next.WriteTo(Connection);
        }
    }

    private void WriteQueued()
    {
        if (TryTakeNext(out var next))
        {
            Write(next.WriteTo(Connection));
        }
    }

    private async Task DrainAsync(ValueTask pending)
    {
        // SignalR's WriteAsync completes successfully even when the write fails: it aborts the connection instead.
        await pending.ConfigureAwait(false);
        while (TryTakeNext(out var next))
        {
            await next.WriteTo(Connection).ConfigureAwait(false);
        }
    }

    /// <summary>Takes the next message to write, or gives up the writer role (or parks it) when there is none.</summary>
    private bool TryTakeNext(out Outgoing next)
    {
        // Nothing queued: let go without a lock. A sender that queued meanwhile sees the role free and takes it (it
        // counts before it looks, and so do we: one of us always notices the other).
        if (Volatile.Read(ref _queued) == 0)
        {
            Interlocked.Exchange(ref _state, Idle);
            if (Volatile.Read(ref _queued) == 0 || Interlocked.CompareExchange(ref _state, Writing, Idle) != Idle)
            {
                next = default;
                return false;
            }
        }

        lock (_sync)
        {
            while (!_closed && _queue is { Count: > 0 } queue)
            {
                var head = queue.Peek();
                if (head.Slot is not { } slot)
                {
                    queue.Dequeue();
                    Interlocked.Exchange(ref _queued, queue.Count);
                    if (head.IsDropped)
                    {
                        continue;
                    }

                    if (head.ChangeKey is null)
                    {
                        _queuedBytes -= head.Bytes;
                        _queuedMessages--;
                    }
                    else
                    {
                        _stateBytes -= head.Bytes;
                    }

                    backlog.Add(-head.Bytes);
                    next = head;
                    return true;
                }

                if (slot.TryTakeEntry(out next))
                {
                    return true;
                }

                if (!slot.IsFilled)
                {
                    // Its entries are still being read from the history: keep the role so nothing overtakes the
                    // replay; filling the slot resumes writing.
                    _parked = true;
                    return false;
                }

                queue.Dequeue();
                Interlocked.Exchange(ref _queued, queue.Count);
                DropReplayedLocked(slot);
                slot.MarkWritten();
            }

            Volatile.Write(ref _state, Idle);
            next = default;
            return false;
        }
    }

    /// <summary>Live broadcasts that queued behind a replay and were part of it are not written twice.</summary>
    private void DropReplayedLocked(ReplaySlot slot)
    {
        if (_queue is not { Count: > 0 } queue || !slot.ReplayedAny)
        {
            return;
        }

        queue.RemoveWhere(item =>
        {
            // Only broadcasts: a state change's room may share a broadcast room's key, but never its numbering.
            if (item.Slot is not null || item.ChangeKey is not null || !slot.Replayed(item.Room, item.Seq))
            {
                return false;
            }

            _queuedBytes -= item.Bytes;
            _queuedMessages--;
            backlog.Add(-item.Bytes);
            return true;
        });
        Interlocked.Exchange(ref _queued, queue.Count);
    }

    private void CutLoose(long bytes, int messages)
    {
        List<ReplaySlot>? slots;
        lock (_sync)
        {
            if (_closed)
            {
                return;
            }

            slots = CloseLocked();
        }

        MarkWritten(slots);
        OverBound?.Invoke(this, bytes, messages);
    }

    private List<ReplaySlot>? CloseLocked()
    {
        if (_closed)
        {
            return null;
        }

        _closed = true;
        List<ReplaySlot>? slots = null;
        foreach (var item in _queue?.Items() ?? [])
        {
            if (item.Slot is { } slot)
            {
                (slots ??= []).Add(slot);
            }
        }

        _queue = null;
        Volatile.Write(ref _queued, 0);
        backlog.Add(-_queuedBytes - _stateBytes);
        _queuedBytes = 0;
        _queuedMessages = 0;
        _stateBytes = 0;
        return slots;
    }

    private static void MarkWritten(List<ReplaySlot>? slots)
    {
        foreach (var slot in slots ?? [])
        {
            slot.MarkWritten();
        }
    }
}
