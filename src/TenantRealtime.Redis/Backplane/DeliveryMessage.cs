using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using TenantRealtime.Delivery;

namespace TenantRealtime.Redis.Backplane;

/// <summary>
/// A send of the tenant hub as it travels over Redis to the other servers: the origin server, the audience, the room
/// position, and the message already serialized in every protocol the hub speaks (as SignalR's own backplane does, so
/// a receiving server writes the bytes as they are). Binary, length-prefixed, version 1. Anyone who can write to
/// Redis can publish one, so <see cref="TryRead"/> checks every length before trusting it.
/// </summary>
internal static class DeliveryMessage
{
    private const byte Version = 1;

    /// <summary>Names, ids and protocol names are short; more than this is not a message of ours.</summary>
    private const int MaxStringBytes = 4096;

    private const int MaxNames = 100_000;

    public static byte[] Write(Guid origin, in RemoteSend send, IReadOnlyList<IHubProtocol> protocols)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Span<byte> header = stackalloc byte[18];
        header[0] = Version;
        origin.TryWriteBytes(header[1..17]);
        header[17] = (byte)send.Target;
        buffer.Write(header);
        WriteStrings(buffer, send.Names);
        WriteStrings(buffer, send.Excluded);
        WriteString(buffer, send.Room);
        WriteInt64(buffer, send.Seq);
        WriteInt32(buffer, protocols.Count);
        foreach (var protocol in protocols)
        {
            WriteString(buffer, protocol.Name);
            var bytes = send.Message.GetSerializedMessage(protocol).Span;
            WriteInt32(buffer, bytes.Length);
            buffer.Write(bytes);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a message; false (with nothing delivered) for anything that is not a well-formed version 1 message.</summary>
    public static bool TryRead(ReadOnlyMemory<byte> payload, out Guid origin, out RemoteSend send)
    {
        origin = default;
        send = default;
        var reader = new Reader(payload);
        if (!reader.TryByte(out var version) || version != Version || !reader.TryGuid(out origin) || !reader.TryByte(out var target) ||
            !Enum.IsDefined((SendTarget)target) || !reader.TryStrings(out var names) || !reader.TryStrings(out var excluded) ||
            !reader.TryString(out var room) || !reader.TryInt64(out var seq) || !reader.TryInt32(out var count) || count is < 1 or > 16)
        {
            return false;
        }

        var serialized = new List<SerializedMessage>(count);
        for (var i = 0; i < count; i++)
        {
            if (!reader.TryString(out var protocol) || protocol is null || !reader.TryBytes(out var bytes))
            {
                return false;
            }

            serialized.Add(new SerializedMessage(protocol, bytes));
        }

        if (!reader.AtEnd)
        {
            return false;
        }

        send = new RemoteSend((SendTarget)target, names, excluded, new SerializedHubMessage(serialized), room, seq);
        return true;
    }

    private static void WriteStrings(ArrayBufferWriter<byte> buffer, IReadOnlyList<string> values)
    {
        WriteInt32(buffer, values.Count);
        foreach (var value in values)
        {
            WriteString(buffer, value);
        }
    }

    private static void WriteString(ArrayBufferWriter<byte> buffer, string? value)
    {
        if (value is null)
        {
            WriteInt32(buffer, -1);
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        WriteInt32(buffer, length);
        buffer.Advance(Encoding.UTF8.GetBytes(value, buffer.GetSpan(length)));
    }

    private static void WriteInt32(ArrayBufferWriter<byte> buffer, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(buffer.GetSpan(4), value);
        buffer.Advance(4);
    }

    private static void WriteInt64(ArrayBufferWriter<byte> buffer, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(buffer.GetSpan(8), value);
        buffer.Advance(8);
    }

    private ref struct Reader(ReadOnlyMemory<byte> payload)
    {
        private readonly ReadOnlyMemory<byte> _payload = payload;
        private int _offset;

        public readonly bool AtEnd => _offset == _payload.Length;

        public bool TryByte(out byte value)
        {
            value = 0;
            if (_offset >= _payload.Length)
            {
                return false;
            }

            value = _payload.Span[_offset++];
            return true;
        }

        public bool TryGuid(out Guid value)
        {
            value = default;
            if (!TryTake(16, out var bytes))
            {
                return false;
            }

            value = new Guid(bytes.Span);
            return true;
        }

        public bool TryInt32(out int value)
        {
            value = 0;
            if (!TryTake(4, out var bytes))
            {
                return false;
            }

            value = BinaryPrimitives.ReadInt32LittleEndian(bytes.Span);
            return true;
        }

        public bool TryInt64(out long value)
        {
            value = 0;
            if (!TryTake(8, out var bytes))
            {
                return false;
            }

            value = BinaryPrimitives.ReadInt64LittleEndian(bytes.Span);
            return true;
        }

        public bool TryString(out string? value)
        {
            value = null;
            if (!TryInt32(out var length) || length < -1 || length > MaxStringBytes)
            {
                return false;
            }

            if (length == -1)
            {
                return true;
            }

            if (!TryTake(length, out var bytes))
            {
                return false;
            }

            value = Encoding.UTF8.GetString(bytes.Span);
            return true;
        }

        public bool TryStrings(out string[] values)
        {
            values = [];
            // Each string takes at least its 4-byte length: a larger count is a lie, whatever it asks to allocate.
            if (!TryInt32(out var count) || count < 0 || count > MaxNames || count > (_payload.Length - _offset) / 4)
            {
                return false;
            }

            var read = new string[count];
            for (var i = 0; i < count; i++)
            {
                if (!TryString(out var value) || value is null)
                {
                    return false;
                }

                read[i] = value;
            }

            values = read;
            return true;
        }

        public bool TryBytes(out ReadOnlyMemory<byte> value)
        {
            value = default;
            return TryInt32(out var length) && length >= 0 && TryTake(length, out value);
        }

        private bool TryTake(int length, out ReadOnlyMemory<byte> bytes)
        {
            bytes = default;
            if (length > _payload.Length - _offset)
            {
                return false;
            }

            bytes = _payload.Slice(_offset, length);
            _offset += length;
            return true;
        }
    }
}
