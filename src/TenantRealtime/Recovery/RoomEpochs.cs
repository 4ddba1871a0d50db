using System.Buffers.Text;
using System.Security.Cryptography;

namespace TenantRealtime.Recovery;

/// <summary>
/// New epochs for room histories. An epoch only has to differ from the same room's earlier ones, and it travels
/// with every envelope to every recipient, so it is short: 72 random bits as 12 base64url characters (a GUID's 32
/// hex characters cost every recipient 20 bytes more for nothing).
/// </summary>
internal static class RoomEpochs
{
    private const int RandomBytes = 9;

    public static string New()
    {
        Span<byte> bytes = stackalloc byte[RandomBytes];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }
}
