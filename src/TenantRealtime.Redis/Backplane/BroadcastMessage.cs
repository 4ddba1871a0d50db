using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text;
using TenantRealtime.Recovery;

namespace TenantRealtime.Redis.Backplane;

/// <summary>
/// A broadcast as it travels on an organization's channel. The sender writes the head (version, origin server, room,
/// groups, event name); the history script, which numbers the broadcast, appends <c>epoch \n seq \n</c> and the
/// stored envelope JSON in the same step that publishes it, so the message carries the number Redis gave it.
/// Unnumbered broadcasts (recovery off) carry an empty epoch and seq 0. Anyone who can write to Redis can publish
/// one, so <see cref="TryRead"/> checks every length before trusting it.
/// </summary>
internal static class BroadcastMessage
{
    /// <summary>The first byte of a broadcast's message; other kinds on the channel start with another.</summary>
    public const byte Version = 2;

    private const int MaxGroups = 64;

    /// <summary>The head of a broadcast's message, to which the epoch, seq and envelope JSON are appended.</summary>
    public static byte[] WriteHead(Guid origin, in BroadcastTarget target, string eventName)
    {
        // Sized exactly, so a broadcast's head is one allocation.
        var length = 17 + 4 + Encoding.UTF8.GetByteCount(target.Room) + 4 + 4 + Encoding.UTF8.GetByteCount(eventName);
        if (target.Groups is { } groups)
        {
            foreach (var group in groups)
            {
                length += 4 + Encoding.UTF8.GetByteCount(group);
            }
        }

        var head = new byte[length];
        head[0] = Version;
        origin.TryWriteBytes(head.AsSpan(1, 16));
        var offset = 17;
        WriteString(head, ref offset, target.Room);
        if (target.Groups is { } names)
        {
            WriteInt32(head, ref offset, names.Count);
            foreach (var group in names)
            {
                WriteString(head, ref offset, group);
            }
        }
        else
        {
            WriteInt32(head, ref offset, -1);
        }

        WriteString(head, ref offset, eventName);
        return head;
    }

    /// <summary>A whole unnumbered message: the head, an empty epoch, seq 0, and the envelope JSON.</summary>
    public static byte[] WriteUnnumbered(byte[] head, ReadOnlySpan<byte> envelopeJson)
    {
        var message = new byte[head.Length + 3 + envelopeJson.Length];
        head.CopyTo(message, 0);
        "\n0\n"u8.CopyTo(message.AsSpan(head.Length));
        envelopeJson.CopyTo(message.AsSpan(head.Length + 3));
        return message;
    }

    /// <summary>Reads a message; false for anything that is not a well-formed version 2 message.</summary>
    public static bool TryRead(ReadOnlyMemory<byte> payload, out Received message)
    {
        message = default;
        var span = payload.Span;
        if (span.Length < 17 || span[0] != Version)
        {
            return false;
        }

        var origin = new Guid(span[1..17]);
        var offset = 17;
        if (!TryString(span, ref offset, out var room) || !ChannelFields.TryInt32(span, ref offset, out var count) || count < -1 || count > MaxGroups)
        {
            return false;
        }

        string[]? groups = null;
        if (count >= 0)
        {
            groups = new string[count];
            for (var i = 0; i < count; i++)
            {
                if (!TryString(span, ref offset, out groups[i]))
                {
                    return false;
                }
            }
        }

        if (!TryString(span, ref offset, out var eventName) || !ChannelFields.TryLine(span, ref offset, out var epochBytes) ||
            !ChannelFields.TryLine(span, ref offset, out var seqBytes) || !Utf8Parser.TryParse(seqBytes, out long seq, out var used) ||
            used != seqBytes.Length || seq < 0 || (seq == 0) != epochBytes.IsEmpty)
        {
            return false;
        }

        var epoch = epochBytes.IsEmpty ? null : Encoding.UTF8.GetString(epochBytes);
        message = new Received(origin, room, groups, eventName, epoch, seq, payload[offset..]);
        return true;
    }

    /// <summary>
    /// A message's origin and room position, without reading its groups, event name or envelope: nothing is allocated,
    /// so a server can drop the echo of its own broadcast cheaply. False as <see cref="TryRead"/> would be, or when unnumbered.
    /// </summary>
    public static bool TryReadPosition(ReadOnlySpan<byte> span, out Guid origin, out ReadOnlySpan<byte> room, out ReadOnlySpan<byte> epoch, out long seq)
    {
        origin = default;
        room = default;
        epoch = default;
        seq = 0;
        if (span.Length < 17 || span[0] != Version)
        {
            return false;
        }

        origin = new Guid(span[1..17]);
        var offset = 17;
        if (!ChannelFields.TrySpan(span, ref offset, out room) || !ChannelFields.TryInt32(span, ref offset, out var count) || count < -1 || count > MaxGroups)
        {
            return false;
        }

        for (var i = 0; i < count; i++)
        {
            if (!ChannelFields.TrySpan(span, ref offset, out _))
            {
                return false;
            }
        }

        return ChannelFields.TrySpan(span, ref offset, out _) && ChannelFields.TryLine(span, ref offset, out epoch) && ChannelFields.TryLine(span, ref offset, out var seqBytes) &&
            !epoch.IsEmpty && Utf8Parser.TryParse(seqBytes, out seq, out var used) && used == seqBytes.Length && seq > 0;
    }

    private static bool TryString(ReadOnlySpan<byte> span, ref int offset, out string value)
    {
        value = "";
        if (!ChannelFields.TrySpan(span, ref offset, out var bytes))
        {
            return false;
        }

        value = Encoding.UTF8.GetString(bytes);
        return true;
    }

    private static void WriteString(byte[] head, ref int offset, string value)
    {
        var length = Encoding.UTF8.GetBytes(value, head.AsSpan(offset + 4));
        WriteInt32(head, ref offset, length);
        offset += length;
    }

    private static void WriteInt32(byte[] head, ref int offset, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(offset), value);
        offset += 4;
    }

    /// <summary>A message read from a channel.</summary>
    /// <param name="Origin">The server that published it.</param>
    /// <param name="Room">The room (the history it belongs to).</param>
    /// <param name="Groups">The groups it goes to, or <see langword="null"/> for every connection.</param>
    /// <param name="EventName">The event name.</param>
    /// <param name="Epoch">The room's epoch, or <see langword="null"/> when unnumbered.</param>
    /// <param name="Seq">The broadcast's seq, or 0 when unnumbered.</param>
    /// <param name="EnvelopeJson">The stored envelope JSON (without room, seq and epoch).</param>
    public readonly record struct Received(
        Guid Origin,
        string Room,
        string[]? Groups,
        string EventName,
        string? Epoch,
        long Seq,
        ReadOnlyMemory<byte> EnvelopeJson);
}
