namespace TenantRealtime.Redis.Backplane;

/// <summary>
/// Takes the messages of an organization's channel that are not broadcasts (their first byte is not a broadcast's
/// version), such as keyed state changes, so the backplane hands them on without knowing what they are.
/// </summary>
internal interface IChannelMessageHandler
{
    /// <summary>Handles <paramref name="payload"/>; false when it is not a message this handler knows.</summary>
    bool TryHandle(ReadOnlyMemory<byte> payload);
}
