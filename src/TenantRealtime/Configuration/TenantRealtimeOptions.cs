using System.ComponentModel.DataAnnotations;

namespace TenantRealtime;

/// <summary>Options for TenantRealtime. Validated when the app starts.</summary>
public sealed class TenantRealtimeOptions
{
    /// <summary>
    /// Gets or sets the claim type of the user id. The default is <c>sub</c>; when absent,
    /// <see cref="System.Security.Claims.ClaimTypes.NameIdentifier"/> is read (inbound claim mapping).
    /// </summary>
    [Required]
    public string UserIdClaimType { get; set; } = "sub";

    /// <summary>Gets or sets the claim type of the organization id. The default is <c>org_id</c>.</summary>
    [Required]
    public string OrganizationIdClaimType { get; set; } = "org_id";

    /// <summary>Gets or sets the claim type of the optional tenant id. The default is <c>tenant_id</c>.</summary>
    [Required]
    public string TenantIdClaimType { get; set; } = "tenant_id";

    /// <summary>
    /// Gets or sets the claim type of the role. The default is <c>role</c>; when absent,
    /// <see cref="System.Security.Claims.ClaimTypes.Role"/> is read.
    /// </summary>
    [Required]
    public string RoleClaimType { get; set; } = "role";

    /// <summary>Gets or sets the role of an identity whose token carries none. The default is <see cref="TenantRoles.Member"/>.</summary>
    [Required]
    public string DefaultRole { get; set; } = TenantRoles.Member;

    /// <summary>
    /// Gets the roles that see every tenant of their organization (the <c>org-admins:</c> room).
    /// The default is <see cref="TenantRoles.Admin"/> and <see cref="TenantRoles.PlatformAdmin"/>.
    /// </summary>
    public ISet<string> AdminRoles { get; } = new HashSet<string>(StringComparer.Ordinal) { TenantRoles.Admin, TenantRoles.PlatformAdmin };

    /// <summary>
    /// Gets the roles that may join other organizations with <c>JoinOrganization</c>.
    /// The default is <see cref="TenantRoles.PlatformAdmin"/> only.
    /// </summary>
    public ISet<string> CrossOrganizationRoles { get; } = new HashSet<string>(StringComparer.Ordinal) { TenantRoles.PlatformAdmin };

    /// <summary>
    /// Gets or sets whether connections without an authenticated user are accepted. The <see cref="IAuthenticator"/>
    /// still sees them (a custom one may establish an identity, e.g. from an API key); those it refuses receive global
    /// broadcasts only. The default is <see langword="false"/>: unauthenticated connections are refused at negotiate
    /// (401), and startup fails when the app has no authentication configured.
    /// </summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>
    /// Gets the origins besides the app's own whose pages may use the hub, exact (<c>https://app.example.com</c>, a port
    /// only when it is not the scheme's default). A request to the hub's endpoints that carries an <c>Origin</c> header
    /// is refused with 403 unless that origin is the app's own (its scheme, host and port as the request reaches the
    /// app, or as a proxy reports them in <c>X-Forwarded-Proto</c>/<c>X-Forwarded-Host</c>) or listed here; requests
    /// without <c>Origin</c> (native and server clients) are not affected. The default is empty: only the app's own
    /// pages. A page of another origin that calls negotiate also needs a CORS policy allowing it.
    /// </summary>
    public ISet<string> AllowedOrigins { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets or sets whether pages of any origin may use the hub, turning off the origin check (for example when the
    /// hub only accepts bearer tokens and no cookie could ever authenticate it). The default is
    /// <see langword="false"/>.
    /// </summary>
    public bool AllowAnyOrigin { get; set; }

    /// <summary>Gets or sets the maximum length of an id from outside, 1 to 256. The default is 64.</summary>
    [Range(1, TenantIds.MaxSupportedLength)]
    public int MaxIdLength { get; set; } = TenantIds.DefaultMaxLength;

    /// <summary>
    /// Gets or sets the largest message a client may send, in bytes; a larger one closes its connection.
    /// Sets SignalR's <c>MaximumReceiveMessageSize</c> for the hub. The default is 32 KiB.
    /// </summary>
    [Range(1024, 16 * 1024 * 1024)]
    public long MaximumReceiveMessageSize { get; set; } = 32 * 1024;

    /// <summary>
    /// Gets or sets how long a new connection may take to complete the SignalR handshake before it is closed.
    /// Sets SignalR's <c>HandshakeTimeout</c> for the hub. The default is 15 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Gets or sets how many rooms one connection may hold; joins beyond it fail with <c>limit-exceeded</c>.
    /// The default is 64.
    /// </summary>
    [Range(4, 100_000)]
    public int MaxRoomsPerConnection { get; set; } = 64;

    /// <summary>
    /// Gets or sets how many topics one connection may subscribe to (<c>Subscribe</c>); topics are counted apart from
    /// <see cref="MaxRoomsPerConnection"/>. A subscribe that would hold more fails whole with <c>limit-exceeded</c>, and
    /// one call names at most this many. The default is 100.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxTopicsPerConnection { get; set; } = 100;

    /// <summary>
    /// Gets or sets the longest topic name a client may ask for (<see cref="TopicNames"/>); longer names are
    /// <c>invalid-argument</c>. The default is 128.
    /// </summary>
    [Range(1, TopicNames.MaxSupportedLength)]
    public int MaxTopicNameLength { get; set; } = TopicNames.DefaultMaxLength;

    /// <summary>
    /// Gets the bounds per topic prefix (see <see cref="TopicPrefixOptions"/>), for example
    /// <c>options.TopicPrefixes["cursor:"] = new() { HistoryMaxMessages = 10, HistoryMaxAge = TimeSpan.FromSeconds(30) }</c>,
    /// so 10,000 topics don't all share <see cref="HistoryMaxMessages"/>. A prefix is 1 to <see cref="MaxTopicNameLength"/>
    /// characters of a topic name (<c>[A-Za-z0-9_.-]</c> and <c>:</c>); a topic takes the options of the longest
    /// prefix its name starts with, and the server-wide options otherwise. Empty by default.
    /// </summary>
    public IDictionary<string, TopicPrefixOptions> TopicPrefixes { get; } = new Dictionary<string, TopicPrefixOptions>(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets how many connections one user (a user id within its organization) may have; more are refused
    /// with <c>limit-exceeded</c>. On one server it counts that server's connections; with the Redis package
    /// (<c>AddRedis</c>) it counts the user's connections on every server, like <see cref="MaxConnectionsPerTenant"/>.
    /// The default is 20.
    /// </summary>
    /// <remarks>
    /// Checked when a connection connects. Across servers the count is as fresh as the other servers' last write to
    /// Redis (usually milliseconds), so connects racing on different servers may overshoot slightly. While Redis is
    /// unreachable the check is fail-open: it counts this server's connections and the other servers' shares as this
    /// server last read them, and never waits for Redis.
    /// </remarks>
    [Range(1, int.MaxValue)]
    public int MaxConnectionsPerUser { get; set; } = 20;

    /// <summary>
    /// Gets or sets how many connections one tenant may have, counted by the <see cref="IConnectionRegistry"/>
    /// (cluster-wide with Redis); more are refused with <c>limit-exceeded</c>. The default is 10,000.
    /// </summary>
    /// <remarks>
    /// Checked when a connection connects; connects racing on one or several servers may overshoot slightly. With
    /// Redis, while it is unreachable the check is fail-open, as for <see cref="MaxConnectionsPerUser"/>.
    /// </remarks>
    [Range(1, int.MaxValue)]
    public int MaxConnectionsPerTenant { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets how many connections this server accepts; beyond it new connections are refused with 503 and a
    /// problem-details body, at negotiate and at connect (connections already open are served on). Counts every
    /// connection the server accepted and has not closed, anonymous ones too.
    /// </summary>
    /// <remarks>
    /// The default, <see langword="null"/>, derives a ceiling on Linux when the app maps the hub, so that the process
    /// refuses connections before it runs out of file descriptors: the open-file soft limit (<c>Max open files</c> in
    /// <c>/proc/self/limits</c>), minus the descriptors open at that moment (<c>/proc/self/fd</c>), minus a reserve of
    /// 10 % of what remains or 256 descriptors, whichever is larger; at least 1. On other operating systems, or when
    /// the limit cannot be read, there is no ceiling by default.
    /// </remarks>
    [Range(1, int.MaxValue)]
    public int? MaxConnectionsPerServer { get; set; }

    /// <summary>
    /// Gets or sets how many new connections per second this server admits (a token bucket holding one second's
    /// worth); beyond it new connections are refused at negotiate and at connect with 429, <c>Retry-After: 1</c> and
    /// problem details with code <c>rate-limited</c>, and clients retry. Connections already open are not affected.
    /// </summary>
    /// <remarks>
    /// The default, <see langword="null"/>, admits 500 per processor and second, about what one core serves: enough
    /// for any steady arrival, while a reconnect storm (a deploy, a restarted server whose clients all come back at
    /// once) is spread over seconds by refusals the clients retry, instead of overloading the server until handshakes
    /// time out. Clients should retry with jitter: TenantRealtime's TypeScript and .NET clients do; SignalR's default
    /// reconnect policy gives up after four attempts (0, 2, 10, 30 s).
    /// </remarks>
    [Range(1, int.MaxValue)]
    public int? MaxConnectsPerSecond { get; set; }

    /// <summary>
    /// Gets or sets how many hub invocations per second one connection may make on average (a token bucket);
    /// calls beyond it fail with <c>rate-limited</c>. The default is 20.
    /// </summary>
    [Range(1, 100_000)]
    public int InvocationsPerSecond { get; set; } = 20;

    /// <summary>Gets or sets how many invocations one connection may make in a burst. The default is 40.</summary>
    [Range(1, 100_000)]
    public int InvocationBurst { get; set; } = 40;

    /// <summary>
    /// Gets or sets after how many rate-limited invocations in a row a connection is closed as flooding.
    /// The default is 100.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int DisconnectAfterRateLimitedInvocations { get; set; } = 100;

    /// <summary>
    /// Gets or sets whether broadcasts are numbered per room (<c>room</c>, <c>seq</c>, <c>epoch</c> in the envelope)
    /// and kept for a while, so a client that reconnects can <c>Resume</c> what it missed. The default is
    /// <see langword="true"/>.
    /// </summary>
    /// <remarks>
    /// When the hub speaks only JSON (the default), a broadcast is kept as its envelope's JSON, written when it is
    /// sent: its data must serialize with the JSON hub protocol's options, or the broadcast throws before it is sent.
    /// </remarks>
    public bool EnableRecovery { get; set; } = true;

    /// <summary>Gets or sets how many broadcasts are kept per room for <c>Resume</c>. The default is 1,000.</summary>
    [Range(1, 1_000_000)]
    public int HistoryMaxMessages { get; set; } = 1_000;

    /// <summary>Gets or sets how long broadcasts are kept for <c>Resume</c>. The default is 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan HistoryMaxAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets how many bytes may wait to be written to one connection while it reads slower than it is sent to.
    /// A connection over it is closed as <c>slow-consumer</c> (reconnect allowed), so it never holds up a broadcast or
    /// another client; it then resumes what it missed. Replays for <c>Resume</c> do not count. The default is 1 MiB.
    /// </summary>
    [Range(64 * 1024, 1024 * 1024 * 1024)]
    public long MaxSendBacklogBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Gets or sets how many messages may wait to be written to one connection; over it the connection is closed as
    /// <c>slow-consumer</c>, as with <see cref="MaxSendBacklogBytes"/>. The default is 10,000.
    /// </summary>
    [Range(16, 10_000_000)]
    public int MaxSendBacklogMessages { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets whether the server tracks who is online per organization and tenant (presence): the
    /// <see cref="IPresence"/> service, the <c>GetPresence</c> hub method and <c>presence</c> events (<c>joined</c>,
    /// <c>left</c>) to the members and admins who may see them. The default is <see langword="false"/>.
    /// </summary>
    /// <remarks>
    /// Whether colleagues may see that someone is online is the app's decision, not the library's: turn it on where
    /// your users expect it (and your privacy notice says so). Only user ids, connection counts, the time a user came
    /// online and, if <see cref="PresenceDisplayNameClaimType"/> is set, a display name are shared; never connection ids.
    /// Members see their own tenant (and their organization with <see cref="ShareOrganizationPresenceWithMembers"/>),
    /// admins their organization, cross-organization roles any organization.
    /// </remarks>
    public bool EnablePresence { get; set; }

    /// <summary>
    /// Gets or sets the claim whose value is shown as a user's display name in presence (for example <c>name</c>).
    /// The first connection of a user that comes online provides it. The default is <see langword="null"/>: no display
    /// names are shared, only user ids.
    /// </summary>
    public string? PresenceDisplayNameClaimType { get; set; }

    /// <summary>
    /// Gets or sets whether members (not only admins) may see who is online in their whole organization: they may read
    /// its presence, and its <c>presence</c> events go to every connection of the organization (<c>org:{o}</c>) instead
    /// of its admins only (<c>org-admins:{o}</c>). The default is <see langword="false"/>: members see their own tenant.
    /// </summary>
    public bool ShareOrganizationPresenceWithMembers { get; set; }

    /// <summary>
    /// Gets or sets how long a user stays online after its last connection left, so that a reconnect (a page reload, a
    /// network blip, a server restart) within it announces nothing. Between zero (announce at once) and 10 minutes.
    /// The default is 5 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan PresenceDebounce { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets how many <c>presence</c> events per second one scope (an organization, or a tenant) may get, in bursts
    /// of as many. Changes beyond it are merged per user (the last change wins) and sent as soon as the bound allows:
    /// never dropped. With Redis the bound is kept in Redis, so it holds across every server. The default is 10.
    /// </summary>
    [Range(1, 10_000)]
    public int PresenceEventsPerSecond { get; set; } = 10;

    /// <summary>
    /// Gets or sets how many users a scope lists at most. A scope with more online reports counts only: its
    /// <see cref="PresenceSnapshot"/> (and <c>GetPresence</c>) has <see cref="PresenceSnapshot.CountsOnly"/> set and no
    /// users, and its events carry the count and no users. Bounds what one read or one event costs. The default is 100.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxPresenceListSize { get; set; } = 100;

    /// <summary>
    /// Gets or sets how many keys one room's state (<see cref="ITenantState"/>) may hold. Setting a new key past it throws
    /// <see cref="TenantRealtimeLimitExceededException"/> (<c>limit-exceeded</c>); changing or removing a key never does.
    /// Removed keys are also kept, as tombstones for <c>Resume</c>, up to this many per room (the oldest go first; a
    /// client whose version predates a dropped tombstone gets the whole state). The default is 1,000.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxStateKeysPerRoom { get; set; } = 1_000;

    /// <summary>
    /// Gets or sets the largest value one state key may hold, in bytes of its JSON. A larger value throws
    /// <see cref="TenantRealtimeLimitExceededException"/> (<c>limit-exceeded</c>) before anything changes. The default is
    /// 16 KiB (16,384).
    /// </summary>
    [Range(1, 16 * 1024 * 1024)]
    public int MaxStateValueBytes { get; set; } = 16 * 1024;

    /// <summary>
    /// Gets or sets how many changes per second one key of one room's state goes out to connections. Changes faster than
    /// that are merged before fan-out: the latest value (or removal) goes out at the key's next slot, 1 / this many
    /// seconds after the last one went out, rounded up to a tenth of that so that keys flooded together go out together
    /// (and at most 10 ms more when no other change on the server carries it), and is never lost. The default is 4: at
    /// 2,000 changes/s on 1,000 connections, state at 4 cost the server 0.24× the CPU of broadcasting every change, not
    /// counting the app's own loop that made the changes (0.47× counting it), and 3 cost 0.21×; a merged change waits at
    /// most 275 ms at 4 (docs/benchmarks.md). A person reading a dashboard takes in no more.
    /// </summary>
    [Range(1, 1_000)]
    public int StateUpdatesPerSecondPerKey { get; set; } = 4;

    /// <summary>
    /// Gets or sets how long the app's <see cref="IStateLoader"/> may take to fill a room. Past it the room starts empty
    /// (its clients are told the state was lost) and the read that waited for it goes on. Between 1 millisecond and
    /// 5 minutes. The default is 5 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:05:00")]
    public TimeSpan StateLoadTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
