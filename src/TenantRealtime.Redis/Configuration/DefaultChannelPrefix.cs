using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace TenantRealtime.Redis.Configuration;

/// <summary>
/// Defaults the channel prefix to the application name, never to a constant: two apps on one Redis must not share
/// channels by accident. Characters outside <c>[A-Za-z0-9_.-]</c> become <c>-</c>.
/// </summary>
internal sealed class DefaultChannelPrefix(IHostEnvironment? environment = null) : IPostConfigureOptions<TenantRealtimeRedisOptions>
{
    public void PostConfigure(string? name, TenantRealtimeRedisOptions options)
    {
        if (options.ChannelPrefix is null && environment?.ApplicationName is { Length: > 0 } applicationName)
        {
            options.ChannelPrefix = Sanitize(applicationName);
        }
    }

    internal static string Sanitize(string applicationName)
    {
        var builder = new StringBuilder(Math.Min(applicationName.Length, TenantRealtimeRedisOptionsValidator.MaxPrefixLength));
        foreach (var c in applicationName.AsSpan(0, Math.Min(applicationName.Length, TenantRealtimeRedisOptionsValidator.MaxPrefixLength)))
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' ? c : '-');
        }

        return builder.ToString();
    }
}
