namespace TenantRealtime.Client;

/// <summary>One key of a room's state that changed: set to <see cref="Value"/>, or <see cref="Removed"/>.</summary>
/// <typeparam name="T">The type the handler reads values as.</typeparam>
public sealed class StateChange<T>
{
    /// <summary>Creates a change.</summary>
    /// <param name="room">The room key, for example <c>tenant:org-a:t1</c>.</param>
    /// <param name="key">The state key.</param>
    /// <param name="value">The key's new value; <see langword="default"/> when removed.</param>
    /// <param name="removed">Whether the key was removed.</param>
    public StateChange(string room, string key, T? value, bool removed)
    {
        Room = room;
        Key = key;
        Value = value;
        Removed = removed;
    }

    /// <summary>Gets the room key, for example <c>tenant:org-a:t1</c>.</summary>
    public string Room { get; }

    /// <summary>Gets the state key.</summary>
    public string Key { get; }

    /// <summary>Gets the key's new value; <see langword="default"/> when <see cref="Removed"/>.</summary>
    public T? Value { get; }

    /// <summary>Gets whether the key was removed (or is gone from a whole state that replaced the room's map).</summary>
    public bool Removed { get; }
}
