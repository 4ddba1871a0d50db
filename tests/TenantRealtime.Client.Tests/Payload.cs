namespace TenantRealtime.Client.Tests;

/// <summary>The data of a test broadcast; public, so MessagePack's contractless resolver reads it.</summary>
public sealed class Payload
{
    public string Marker { get; set; } = string.Empty;

    public int Index { get; set; }

    public override string ToString() => Marker;
}
