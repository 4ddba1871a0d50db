using System.Text.Json;
using System.Text.Json.Serialization;

namespace TenantRealtime.Redis.Connections;

/// <summary>
/// A revocation request as it travels over Redis: <c>{"v":1,"op":"disconnect-user","org":"…","id":"…","server":"…"}</c>.
/// Anyone who can write to Redis can publish one, so a receiver checks every field before acting (see
/// <see cref="TryParse"/>); the ids then go through the same validation as a local call.
/// </summary>
internal sealed record RevocationMessage(
    [property: JsonPropertyName("v")] int Version,
    [property: JsonPropertyName("op")] string Operation,
    [property: JsonPropertyName("org")] string OrganizationId,
    [property: JsonPropertyName("id")] string TargetId,
    [property: JsonPropertyName("server")] string ServerId)
{
    public const int CurrentVersion = 1;

    public const string DisconnectUser = "disconnect-user";
    public const string DisconnectTenant = "disconnect-tenant";
    public const string RefreshUserRooms = "refresh-user-rooms";

    /// <summary>Longer than any valid message (ids are at most 256 characters); larger payloads are not parsed.</summary>
    public const int MaxBytes = 2048;

    public byte[] ToUtf8() => JsonSerializer.SerializeToUtf8Bytes(this, RevocationJsonContext.Default.RevocationMessage);

    /// <summary>Parses and checks a message; on failure <paramref name="problem"/> says why, for the log.</summary>
    public static bool TryParse(ReadOnlySpan<byte> payload, int maxIdLength, out RevocationMessage? message, out string? problem)
    {
        message = null;
        if (payload.Length is 0 or > MaxBytes)
        {
            problem = $"payload of {payload.Length} bytes.";
            return false;
        }

        try
        {
            message = JsonSerializer.Deserialize(payload, RevocationJsonContext.Default.RevocationMessage);
        }
        catch (JsonException)
        {
            problem = "not a revocation message.";
            return false;
        }

        problem = message switch
        {
            null => "not a revocation message.",
            { Version: not CurrentVersion } => $"unsupported version {message.Version}.",
            { Operation: not (DisconnectUser or DisconnectTenant or RefreshUserRooms) } => "unknown operation.",
            _ when !TenantIds.IsValid(message.OrganizationId, maxIdLength) || !TenantIds.IsValid(message.TargetId, maxIdLength) => "malformed id.",
            _ when message.ServerId is not { Length: 32 } || !Guid.TryParseExact(message.ServerId, "N", out _) => "malformed server id.",
            _ => null,
        };
        if (problem is not null)
        {
            message = null;
        }

        return problem is null;
    }
}

[JsonSerializable(typeof(RevocationMessage))]
[JsonSourceGenerationOptions(UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
internal sealed partial class RevocationJsonContext : JsonSerializerContext;
