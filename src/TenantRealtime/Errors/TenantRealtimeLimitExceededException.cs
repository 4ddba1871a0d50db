namespace TenantRealtime;

/// <summary>
/// Thrown when a call would pass one of the library's bounds, for example a state value larger than
/// <see cref="TenantRealtimeOptions.MaxStateValueBytes"/> or a new key past
/// <see cref="TenantRealtimeOptions.MaxStateKeysPerRoom"/>. Its message is <c>limit-exceeded: &lt;sentence&gt;</c>, as
/// the coded hub errors are spelled; nothing was changed.
/// </summary>
public sealed class TenantRealtimeLimitExceededException : Exception
{
    /// <summary>Initializes a new instance with a default message.</summary>
    public TenantRealtimeLimitExceededException()
        : this("a bound of the library would be exceeded.")
    {
    }

    /// <summary>Initializes a new instance saying which bound would be exceeded.</summary>
    /// <param name="sentence">Which bound, and by what; the message is <c>limit-exceeded: {sentence}</c>.</param>
    public TenantRealtimeLimitExceededException(string sentence)
        : base($"{TenantRealtimeWire.Errors.LimitExceeded}: {sentence}")
    {
    }

    /// <summary>Initializes a new instance saying which bound would be exceeded, with a cause.</summary>
    /// <param name="sentence">Which bound, and by what.</param>
    /// <param name="innerException">The cause, if any.</param>
    public TenantRealtimeLimitExceededException(string sentence, Exception? innerException)
        : base($"{TenantRealtimeWire.Errors.LimitExceeded}: {sentence}", innerException)
    {
    }

    /// <summary>Gets the error code: <see cref="TenantRealtimeWire.Errors.LimitExceeded"/>.</summary>
    public string Code { get; } = TenantRealtimeWire.Errors.LimitExceeded;
}
