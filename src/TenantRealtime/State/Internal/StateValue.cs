namespace TenantRealtime.State.Internal;

/// <summary>
/// A key's value, serialized once: <see cref="Bytes"/> is the size of its JSON (what the bound measures), and
/// <see cref="Plain"/> the same JSON read back as maps, lists and primitives, which both hub protocols write. Every
/// message and every recipient shares this one instance.
/// </summary>
internal sealed class StateValue(object? plain, int bytes)
{
    public object? Plain { get; } = plain;

    public int Bytes { get; } = bytes;
}
