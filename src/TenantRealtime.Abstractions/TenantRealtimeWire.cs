namespace TenantRealtime;

/// <summary>The names of the wire contract: hub methods, server events and error codes.</summary>
public static class TenantRealtimeWire
{
    /// <summary>The default hub path: <c>/hubs/realtime</c>.</summary>
    public const string DefaultHubPath = "/hubs/realtime";

    /// <summary>Hub methods a client invokes.</summary>
    public static class Methods
    {
        /// <summary><c>Authenticate({userId?, organizationId?, tenantId?, userRole?})</c>.</summary>
        public const string Authenticate = "Authenticate";

        /// <summary><c>JoinOrganization({organizationId})</c>.</summary>
        public const string JoinOrganization = "JoinOrganization";

        /// <summary><c>LeaveOrganization({organizationId})</c>.</summary>
        public const string LeaveOrganization = "LeaveOrganization";

        /// <summary><c>Ping()</c>.</summary>
        public const string Ping = "Ping";

        /// <summary><c>Resume({positions: [{room, epoch, seq}]})</c>.</summary>
        public const string Resume = "Resume";
    }

    /// <summary>Events the server sends besides broadcasts.</summary>
    public static class Events
    {
        /// <summary>Sent after <c>Authenticate</c>, with its result.</summary>
        public const string Authenticated = "authenticated";

        /// <summary>Sent after <c>Ping</c>, with <c>{timestamp}</c>.</summary>
        public const string Pong = "pong";
    }

    /// <summary>Error codes: a failed invocation's message ends with <c>HubException: &lt;code&gt;: &lt;sentence&gt;</c>.</summary>
    public static class Errors
    {
        /// <summary>An argument is missing, malformed or of the wrong type.</summary>
        public const string InvalidArgument = "invalid-argument";

        /// <summary>The identity may not do this.</summary>
        public const string Forbidden = "forbidden";

        /// <summary>The connection has no (valid) identity.</summary>
        public const string Unauthenticated = "unauthenticated";

        /// <summary>The connection invokes too fast.</summary>
        public const string RateLimited = "rate-limited";

        /// <summary>A limit (rooms, connections) would be exceeded.</summary>
        public const string LimitExceeded = "limit-exceeded";
    }
}
