using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using TenantRealtime.Delivery;
using TenantRealtime.Recovery;
using TenantRealtime.Redis.RedisConnection;

namespace TenantRealtime.Redis.Backplane;

/// <summary>
/// Hands each room's broadcasts to this server's connections in seq order, from two sources: this server's own
/// (delivered as soon as Redis numbered them, without waiting for their echo) and its organizations' channels (in seq
/// order per room, as the history script publishes). An own broadcast goes out at once when the one before it was
/// delivered here; otherwise it is held until the lower ones arrive on the channel, or its own echo does (everything
/// lower was published before it, so nothing lower is still coming), or, with the channel down, for
/// <see cref="TenantRealtimeRedisOptions.RedisWaitTimeout"/> at most. An echo, or anything at or below what was
/// delivered, is dropped. Unnumbered broadcasts (recovery off) keep arrival order; an own one is recognized by the
/// origin in its head.
/// </summary>
/// <remarks>
/// Not a sequencer: Redis numbers, and the clients' recovery (.NET and TypeScript) detects gaps. This only
/// merges what this server delivers into the order Redis gave.
/// </remarks>
internal sealed class LocalDeliveryOrder(
    ILocalDelivery local,
    RoomPublications publications,
    IOptions<TenantRealtimeRedisOptions> options,
    IOptions<JsonHubProtocolOptions> json,
    TimeProvider time)
{
    /// <summary>Room names longer than this (bytes) skip the echo check: read as any message.</summary>
    private const int MaxEchoRoomBytes = 256;

    private readonly ConcurrentDictionary<string, RoomOrder> _rooms = new(StringComparer.Ordinal);
    private readonly TimeSpan _holdLimit = options.Value.RedisWaitTimeout;

    // The stored envelope JSON becomes the live one by adding its position only where the JSON protocol spells the
    // envelope as the history does: its default camelCase names. Otherwise every delivery serializes the envelope.
    private readonly bool _prepare = json.Value.PayloadSerializerOptions.PropertyNamingPolicy == JsonNamingPolicy.CamelCase;

    /// <summary>Delivers a broadcast this server published (numbered or not) to its connections.</summary>
    /// <param name="target">Where it goes.</param>
    /// <param name="eventName">Its event name.</param>
    /// <param name="envelope">The envelope Redis numbered.</param>
    /// <param name="stored">Its stored envelope JSON, from which JSON connections' frames are written; or <see langword="null"/>.</param>
    public void Own(in BroadcastTarget target, string eventName, TenantEnvelope envelope, byte[]? stored = null)
    {
        if (envelope.Seq is not { } seq || envelope.Epoch is not { } epoch)
        {
            local.DeliverLocally(target.Groups, eventName, envelope);
            return;
        }

        // Nothing to deliver here, and no position worth keeping: a server that only broadcasts (say, an API node)
        // must not track every room it ever sent to, nor wait for echoes it does not listen to.
        if (!local.HasMembers(target.Groups) && !_rooms.ContainsKey(target.Room))
        {
            return;
        }

        var order = _rooms.GetOrAdd(target.Room, static _ => new RoomOrder());
        lock (order)
        {
            if (order.Epoch == epoch && seq <= order.Last)
            {
                return; // its echo came first
            }

            if ((order.Epoch == epoch && seq == order.Last + 1) || (seq == 1 && order.Held is null))
            {
                // The next one here, or the first of a new epoch: nothing lower to wait for.
                order.Epoch = epoch;
                order.Last = seq;
                Hand(new Held(target.Groups, eventName, envelope, stored));
                ReleaseNext(order);
                return;
            }

            (order.Held ??= new SortedList<long, Held>())[seq] = new Held(target.Groups, eventName, envelope, stored);
            order.Timer ??= time.CreateTimer(OnHoldExpired, (this, order), _holdLimit, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// Whether <paramref name="payload"/> is the echo of this server's own broadcast that was delivered here already
    /// (the usual case: the script's answer comes before the echo), told from the bytes with nothing allocated. False
    /// means: read the message and pass it to <see cref="Received"/>, which decides.
    /// </summary>
    public bool IsDeliveredEcho(ReadOnlySpan<byte> payload)
    {
        if (!BroadcastMessage.TryReadPosition(payload, out var origin, out var room, out var epoch, out var seq) ||
            origin != publications.Origin || room.Length > MaxEchoRoomBytes)
        {
            return false;
        }

        Span<char> name = stackalloc char[MaxEchoRoomBytes];
        if (!Encoding.UTF8.TryGetChars(room, name, out var length) || !_rooms.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name[..length], out var order))
        {
            return false;
        }

        lock (order)
        {
            return seq <= order.Last && order.Epoch is { } current && Ascii.Equals(epoch, current);
        }
    }

    /// <summary>Delivers a broadcast read from an organization's channel, unless it was delivered here already.</summary>
    public void Received(in BroadcastMessage.Received message)
    {
        if (message.Epoch is not { } epoch)
        {
            if (message.Origin != publications.Origin && local.HasMembers(message.Groups))
            {
                local.DeliverLocally(message.Groups, message.EventName, Envelope(message));
            }

            return;
        }

        var order = _rooms.GetOrAdd(message.Room, static _ => new RoomOrder());
        lock (order)
        {
            if (order.Epoch == epoch && message.Seq <= order.Last)
            {
                return;
            }

            // The channel is in seq order: everything held below this one waited for broadcasts that are not coming.
            Held? own = null;
            if (order.Held is { } held)
            {
                while (held.Count > 0 && (held.Keys[0] < message.Seq || held.Values[0].Envelope.Epoch != epoch))
                {
                    Deliver(order, held.Values[0]);
                    held.RemoveAt(0);
                }

                if (held.Remove(message.Seq, out var mine) && mine.Envelope.Epoch == epoch)
                {
                    own = mine; // the echo of a held broadcast of this server
                }
            }

            order.Epoch = epoch;
            order.Last = message.Seq;
            if (own is not null)
            {
                Hand(own);
            }
            else if (local.HasMembers(message.Groups))
            {
                HandReceived(message);
            }

            ReleaseNext(order);
        }
    }

    /// <summary>Forgets the positions of an organization's rooms once this server no longer listens to its channel.</summary>
    public void Forget(string organizationChannel)
    {
        foreach (var room in _rooms.Keys)
        {
            if (RedisKeys.OrganizationChannelOf(room) == organizationChannel && _rooms.TryRemove(room, out var order))
            {
                ReleaseHeld(order);
            }
        }
    }

    private static void OnHoldExpired(object? state)
    {
        var (self, order) = ((LocalDeliveryOrder, RoomOrder))state!;
        self.ReleaseHeld(order);
    }

    // A message without a room is a presence event: it belongs to no history, and its envelope says so by having none.
    private static TenantEnvelope Envelope(in BroadcastMessage.Received message) =>
        StoredEnvelopeSerializer.Deserialize(message.EnvelopeJson, message.Room.Length > 0 ? message.Room : null, message.Epoch is null ? null : message.Seq, message.Epoch);

    /// <summary>The hold ran out (the channel is down or slow): deliver what is held, in order, and move on.</summary>
    private void ReleaseHeld(RoomOrder order)
    {
        lock (order)
        {
            if (order.Held is { } held)
            {
                foreach (var entry in held.Values)
                {
                    Deliver(order, entry);
                }

                held.Clear();
            }

            Settle(order);
        }
    }

    /// <summary>Delivers held broadcasts that are now next in line.</summary>
    private void ReleaseNext(RoomOrder order)
    {
        if (order.Held is { } held)
        {
            while (held.Count > 0 && held.Values[0].Envelope.Epoch == order.Epoch && held.Keys[0] <= order.Last + 1)
            {
                if (held.Keys[0] == order.Last + 1)
                {
                    Deliver(order, held.Values[0]);
                }

                held.RemoveAt(0);
            }
        }

        Settle(order);
    }

    private void Deliver(RoomOrder order, Held entry)
    {
        order.Epoch = entry.Envelope.Epoch;
        order.Last = entry.Envelope.Seq!.Value;
        Hand(entry);
    }

    /// <summary>Hands a numbered broadcast of this server to its connections, from its stored JSON when it can.</summary>
    private void Hand(Held entry)
    {
        var envelope = entry.Envelope;
        if (_prepare && entry.Stored is { } stored &&
            StoredEnvelopeSerializer.TryWriteLiveToScratch(stored, envelope.Room!, envelope.Seq!.Value, envelope.Epoch!, out var live))
        {
            local.DeliverLocally(entry.Groups, new PreparedBroadcast(entry.EventName, live, envelope.Room, envelope.Seq.Value, envelope, static e => (TenantEnvelope)e));
            return;
        }

        local.DeliverLocally(entry.Groups, entry.EventName, envelope);
    }

    /// <summary>
    /// Hands a numbered broadcast read from a channel to this server's connections: JSON connections get its stored
    /// JSON with its position added; the envelope object is read only for another protocol's connections.
    /// </summary>
    private void HandReceived(in BroadcastMessage.Received message)
    {
        if (_prepare && StoredEnvelopeSerializer.TryWriteLiveToScratch(message.EnvelopeJson.Span, message.Room, message.Seq, message.Epoch!, out var live))
        {
            local.DeliverLocally(message.Groups, new PreparedBroadcast(message.EventName, live, message.Room, message.Seq, new ReceivedEnvelope(message), static m => ((ReceivedEnvelope)m).Read()));
            return;
        }

        // Not a JSON object: Envelope throws, and the subscription logs it as undeliverable.
        local.DeliverLocally(message.Groups, message.EventName, Envelope(message));
    }

    private static void Settle(RoomOrder order)
    {
        if (order.Held is { Count: 0 })
        {
            order.Held = null;
            order.Timer?.Dispose();
            order.Timer = null;
        }
    }

    /// <summary>A room's position on this server: the last seq delivered here, and own broadcasts waiting for lower ones.</summary>
    private sealed class RoomOrder
    {
        public string? Epoch;
        public long Last;
        public SortedList<long, Held>? Held;
        public ITimer? Timer;
    }

    private sealed record Held(IReadOnlyList<string>? Groups, string EventName, TenantEnvelope Envelope, byte[]? Stored);

    /// <summary>A received message, for the envelope object a connection of another protocol needs.</summary>
    private sealed class ReceivedEnvelope(BroadcastMessage.Received message)
    {
        public TenantEnvelope Read() => Envelope(message);
    }
}
