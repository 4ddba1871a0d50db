using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace TenantRealtime;

/// <summary>
/// The format every id from outside must have (organization, tenant, user): 1 to 64 characters of
/// <c>[A-Za-z0-9_.-]</c> by default, compared ordinally. Ids can never contain <c>:</c>, the room-name
/// separator, so two different ids can never produce the same room name.
/// </summary>
public static class TenantIds
{
    /// <summary>The default maximum length of an id: 64.</summary>
    public const int DefaultMaxLength = 64;

    /// <summary>The largest maximum length <see cref="TenantRealtimeOptions.MaxIdLength"/> may be set to: 256.</summary>
    public const int MaxSupportedLength = 256;

    // Vectorized: ids are checked on every connect, call and broadcast.
    private static readonly SearchValues<char> Allowed = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-");

    /// <summary>Returns whether <paramref name="id"/> is a well-formed id of at most <paramref name="maxLength"/> characters.</summary>
    /// <param name="id">The id to check.</param>
    /// <param name="maxLength">The maximum length. The default is <see cref="DefaultMaxLength"/>.</param>
    /// <returns><see langword="true"/> when the id is 1 to <paramref name="maxLength"/> characters of <c>[A-Za-z0-9_.-]</c>.</returns>
    public static bool IsValid([NotNullWhen(true)] string? id, int maxLength = DefaultMaxLength)
    {
        if (string.IsNullOrEmpty(id) || id.Length > maxLength)
        {
            return false;
        }

        return !id.AsSpan().ContainsAnyExcept(Allowed);
    }
}
