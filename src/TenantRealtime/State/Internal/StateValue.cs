namespace TenantRealtime.State.Internal;

/// <summary>
/// A key's value, serialized once: its JSON (<see cref="Bytes"/> is its size, what the bound measures), and
/// <see cref="Plain"/>, the same JSON read back as maps, lists and primitives, which both hub protocols write. Every
/// message and every recipient shares this one instance.
/// </summary>
/// <remarks>
/// <see cref="Plain"/> is read on first use: a change the per-key rate bound merges into a later one is never sent, so
/// it is never read back (reading it cost about as much as serializing it, for every change of a flapping key).
/// </remarks>
internal sealed class StateValue(byte[] json)
{
    private object? _plain;
    private bool _read;

    public int Bytes => json.Length;

    /// <summary>Gets the value as maps, lists and primitives; read from the JSON once, then shared.</summary>
    public object? Plain
    {
        get
        {
            if (!Volatile.Read(ref _read))
            {
                // Two first readers may both read it: equal values, and the first one stored is the one kept.
                Interlocked.CompareExchange(ref _plain, StateValueSerializer.ToPlain(json) ?? NullValue, null);
                Volatile.Write(ref _read, true);
            }

            var plain = Volatile.Read(ref _plain);
            return ReferenceEquals(plain, NullValue) ? null : plain;
        }
    }

    // Stands for a JSON null, so "not read yet" and "read as null" differ.
    private static readonly object NullValue = new();
}
