namespace TenantRealtime.TestHost;

/// <summary>
/// What the command line asks of the host, read through ASP.NET Core's command-line configuration
/// (<c>--Redis=127.0.0.1:6379 --ChannelPrefix=chaos --Jwt:Key=...</c>). With none of them the host is the anonymous,
/// in-memory server the connection-ceiling tests start. The library's own options bind from the <c>TenantRealtime</c>
/// and <c>TenantRealtimeRedis</c> sections (<c>--TenantRealtime:EnablePresence=true</c>).
/// </summary>
internal sealed class TestHostSettings
{
    /// <summary>The StackExchange.Redis configuration for <c>AddRedis</c>; none: one server in memory.</summary>
    public string? Redis { get; set; }

    /// <summary>The channel prefix of the Redis scale-out; none: derived from the application name.</summary>
    public string? ChannelPrefix { get; set; }

    /// <summary>Validates JWT bearer tokens and refuses anonymous connections; none: anonymous connections.</summary>
    public JwtSettings? Jwt { get; set; }

    /// <summary>How many broadcasts each room's history keeps; none: the library's default.</summary>
    public int? HistoryMaxMessages { get; set; }

    /// <summary>How many new connections per second the host admits; none: the library's default.</summary>
    public int? MaxConnectsPerSecond { get; set; }

    /// <summary>
    /// Topic prefixes whose topics track presence, comma-separated (<c>--PresenceTopicPrefixes=viewing:</c>); none: no
    /// topic does. A setting of its own because <c>TopicPrefixes</c>' keys end in <c>:</c>, configuration's separator.
    /// </summary>
    public string? PresenceTopicPrefixes { get; set; }

    /// <summary>
    /// Stops the host when its standard input closes, which happens when the process that started it exits, however
    /// it exits: a test run that dies leaves no server behind.
    /// </summary>
    public bool StopWhenStdinCloses { get; set; }
}

/// <summary>How tokens are signed: HS256 with a shared key, as the tests' identity provider mints them.</summary>
internal sealed class JwtSettings
{
    public string Key { get; set; } = "";

    public string Issuer { get; set; } = "";

    public string Audience { get; set; } = "";

    /// <summary>How long after its expiry a token is still accepted (JwtBearer's default is 300); none: 0.</summary>
    public int ClockSkewSeconds { get; set; }
}
