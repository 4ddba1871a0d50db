namespace TenantRealtime.Testing;

/// <summary>The hub protocols a client may speak; the envelope must look the same in both.</summary>
public enum HubProtocolKind
{
    Json,
    MessagePack,
}
