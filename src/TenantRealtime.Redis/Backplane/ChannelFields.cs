using System.Buffers.Binary;

namespace TenantRealtime.Redis.Backplane;

/// <summary>
/// Reads the fields of the messages on an organization's channel (broadcasts and state changes): little-endian int32s,
/// int32-length-prefixed strings and newline-ended lines. Anyone who can write to Redis can publish, so every length is
/// checked before it is trusted.
/// </summary>
internal static class ChannelFields
{
    /// <summary>Names and ids are short; more than this is not a message of ours.</summary>
    public const int MaxStringBytes = 4096;

    /// <summary>A line up to its <c>\n</c> (not included), at most <see cref="MaxStringBytes"/>.</summary>
    public static bool TryLine(ReadOnlySpan<byte> span, scoped ref int offset, out ReadOnlySpan<byte> line)
    {
        line = default;
        var end = span[offset..].IndexOf((byte)'\n');
        if (end < 0 || end > MaxStringBytes)
        {
            return false;
        }

        line = span.Slice(offset, end);
        offset += end + 1;
        return true;
    }

    /// <summary>An int32 length, then that many bytes (at most <see cref="MaxStringBytes"/>).</summary>
    public static bool TrySpan(ReadOnlySpan<byte> span, scoped ref int offset, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (!TryInt32(span, ref offset, out var length) || length < 0 || length > MaxStringBytes || length > span.Length - offset)
        {
            return false;
        }

        value = span.Slice(offset, length);
        offset += length;
        return true;
    }

    /// <summary>A little-endian int32.</summary>
    public static bool TryInt32(ReadOnlySpan<byte> span, ref int offset, out int value)
    {
        value = 0;
        if (span.Length - offset < 4)
        {
            return false;
        }

        value = BinaryPrimitives.ReadInt32LittleEndian(span[offset..]);
        offset += 4;
        return true;
    }
}
