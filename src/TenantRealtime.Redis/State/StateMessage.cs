using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text;
using TenantRealtime.Redis.Backplane;

namespace TenantRealtime.Redis.State;

/// <summary>
/// A state change as it travels on an organization's channel, beside broadcasts (which start with version byte 2): byte
/// <see cref="Version"/> (3), the origin server (16 bytes), the room (int32 length, UTF-8), written by the sender; then,
/// appended by <c>state_change.lua</c> in the step that versions the change: <c>epoch \n version \n op \n key \n</c>
/// and the value JSON (empty for a removal; op is <c>s</c> or <c>r</c>). Servers of an older version drop it as a
/// message that is not theirs. Anyone who can write to Redis can publish, so <see cref="TryRead"/> checks every length.
/// A set with a time-to-live is followed by an expiry message: byte <see cref="ExpiryVersion"/> (4), origin and room as
/// above, then the time-to-live in milliseconds (ASCII digits); servers mirroring the room sweep it once that has passed.
/// It is a message of its own, so the change itself reads as before: a server of an older version applies the change
/// and drops the expiry message as not its own, logging it as rejected (the key's removal reaches it as an ordinary removal).
/// </summary>
internal static class StateMessage
{
    /// <summary>The first byte of a state message.</summary>
    public const byte Version = 3;

    /// <summary>The first byte of an expiry message.</summary>
    public const byte ExpiryVersion = 4;

    /// <summary>The head the sender writes: version byte, origin, room.</summary>
    public static byte[] WriteHead(Guid origin, string room) => WriteHead(Version, origin, room);

    /// <summary>The head of an expiry message: its version byte, origin, room; the script appends the time-to-live.</summary>
    public static byte[] WriteExpiryHead(Guid origin, string room) => WriteHead(ExpiryVersion, origin, room);

    /// <summary>Reads an expiry message: the room and the time-to-live after which its key ends; false for anything else.</summary>
    public static bool TryReadExpiry(ReadOnlySpan<byte> payload, out string room, out TimeSpan timeToLive)
    {
        (room, timeToLive) = (string.Empty, TimeSpan.Zero);
        var offset = 17;
        if (payload.Length < 21 || payload[0] != ExpiryVersion || !ChannelFields.TrySpan(payload, ref offset, out var roomBytes) ||
            !Utf8Parser.TryParse(payload[offset..], out long milliseconds, out var used) || used != payload.Length - offset ||
            milliseconds <= 0 || milliseconds > (long)TimeSpan.FromDays(31).TotalMilliseconds)
        {
            return false;
        }

        (room, timeToLive) = (Encoding.UTF8.GetString(roomBytes), TimeSpan.FromMilliseconds(milliseconds));
        return true;
    }

    private static byte[] WriteHead(byte version, Guid origin, string room)
    {
        var length = Encoding.UTF8.GetByteCount(room);
        var head = new byte[21 + length];
        head[0] = version;
        origin.TryWriteBytes(head.AsSpan(1, 16));
        BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(17), length);
        Encoding.UTF8.GetBytes(room, head.AsSpan(21));
        return head;
    }

    /// <summary>Reads a state message; false for anything that is not a well-formed one.</summary>
    public static bool TryRead(ReadOnlyMemory<byte> payload, out Change change)
    {
        change = default;
        var span = payload.Span;
        if (span.Length < 21 || span[0] != Version)
        {
            return false;
        }

        var origin = new Guid(span[1..17]);
        var offset = 17;
        if (!ChannelFields.TrySpan(span, ref offset, out var roomBytes))
        {
            return false;
        }

        var room = Encoding.UTF8.GetString(roomBytes);
        if (!ChannelFields.TryLine(span, ref offset, out var epoch) || !ChannelFields.TryLine(span, ref offset, out var versionBytes) ||
            !Utf8Parser.TryParse(versionBytes, out long version, out var used) || used != versionBytes.Length || version <= 0 ||
            !ChannelFields.TryLine(span, ref offset, out var op) || op.Length != 1 || (op[0] != (byte)'s' && op[0] != (byte)'r') ||
            !ChannelFields.TryLine(span, ref offset, out var key) || epoch.IsEmpty || key.IsEmpty)
        {
            return false;
        }

        var removed = op[0] == (byte)'r';
        if (removed != (offset == span.Length))
        {
            return false;
        }

        change = new Change(origin, room, Encoding.UTF8.GetString(epoch), version, Encoding.UTF8.GetString(key), removed ? (ReadOnlyMemory<byte>?)null : payload[offset..]);
        return true;
    }

    /// <summary>A state change read from a channel.</summary>
    /// <param name="Origin">The server that made it.</param>
    /// <param name="Room">The room.</param>
    /// <param name="Epoch">The room's state epoch.</param>
    /// <param name="Version">The change's state version in that epoch.</param>
    /// <param name="Key">The key.</param>
    /// <param name="ValueJson">The value's JSON, or <see langword="null"/> for a removal.</param>
    public readonly record struct Change(Guid Origin, string Room, string Epoch, long Version, string Key, ReadOnlyMemory<byte>? ValueJson);
}
