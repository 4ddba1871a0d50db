using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;

namespace TenantRealtime.Hosting.Internal;

/// <summary>
/// Origins as browsers send them (<c>scheme://host[:port]</c>), compared the way browsers compare them: scheme and
/// host case-insensitively, a port equal to its scheme's default the same as none.
/// </summary>
internal static class Origins
{
    /// <summary>Reads <paramref name="value"/> as an origin; false for anything else (a path, <c>null</c>, garbage).</summary>
    public static bool TryNormalize(string? value, [NotNullWhen(true)] out string? origin)
    {
        origin = null;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) ||
            uri.Scheme is not ("http" or "https") ||
            uri.AbsolutePath != "/" || value.EndsWith('/') || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            return false;
        }

        origin = uri.IsDefaultPort ? $"{uri.Scheme}://{uri.IdnHost}" : $"{uri.Scheme}://{uri.IdnHost}:{uri.Port}";
        return true;
    }

    /// <summary>
    /// Whether <paramref name="origin"/> (normalized) is the request's own: its scheme and host as the app sees them
    /// (after forwarded-headers handling), or as a proxy in front reports them in <c>X-Forwarded-Proto</c> and
    /// <c>X-Forwarded-Host</c>. A page cannot set those headers on a WebSocket or a simple request, and a preflighted
    /// one never reaches here without CORS allowing it, so honouring them lets no other site in; it keeps apps behind
    /// a TLS-terminating proxy working without configuration.
    /// </summary>
    public static bool IsOwn(HttpRequest request, string origin)
    {
        foreach (var scheme in Candidates(request.Scheme, request.Headers["X-Forwarded-Proto"]))
        {
            foreach (var host in Candidates(request.Host.Value, request.Headers["X-Forwarded-Host"]))
            {
                if (TryNormalize($"{scheme}://{host}", out var own) && string.Equals(own, origin, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // The request's own value, and the first (client-most) value a proxy forwarded.
    private static IEnumerable<string> Candidates(string? own, string? forwarded)
    {
        if (!string.IsNullOrEmpty(own))
        {
            yield return own;
        }

        if (!string.IsNullOrEmpty(forwarded))
        {
            yield return forwarded.Split(',')[0].Trim();
        }
    }
}
