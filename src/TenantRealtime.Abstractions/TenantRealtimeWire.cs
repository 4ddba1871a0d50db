namespace TenantRealtime;

/// <summary>The names of the wire contract: hub methods, server events, error codes, field names and scopes.</summary>
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

        /// <summary>
        /// <c>Resume({positions: [{room, epoch, seq}], states?: [{room, epoch, version}]})</c>: <c>states</c> (see
        /// <see cref="StateFields.States"/>) asks for the keys changed and removed since each version held.
        /// </summary>
        public const string Resume = "Resume";

        /// <summary>
        /// <c>GetState({room})</c>: sends the whole state of one room the connection holds (an admin: any tenant room of
        /// its organization) as a <see cref="Events.State"/> event, then answers <c>{room, epoch, version}</c>; from then
        /// on the connection receives that room's state changes live.
        /// </summary>
        public const string GetState = "GetState";

        /// <summary>
        /// <c>GetPresence({scope, organizationId?, tenantId?})</c>, when the server enables presence; <c>scope</c> is
        /// <see cref="Scopes.Organization"/> or <see cref="Scopes.Tenant"/>.
        /// </summary>
        public const string GetPresence = "GetPresence";

        /// <summary>
        /// <c>Subscribe({scope, topic, organizationId?, tenantId?})</c>, or <c>Subscribe({topics: [ … ]})</c> for a bounded
        /// list: asks the server for topics (<see cref="TopicFields"/>). The server decides (its topic authorizer, and
        /// only inside organizations the connection holds); each granted topic's whole state is sent before the answer.
        /// The answer is <c>{topics: [{room, scope, topic, organizationId, tenantId, subscribed, position, error?}]}</c>;
        /// the single form fails with <c>forbidden</c> instead of answering <c>subscribed: false</c>.
        /// </summary>
        public const string Subscribe = "Subscribe";

        /// <summary>
        /// <c>Unsubscribe({scope, topic, organizationId?, tenantId?})</c> or <c>Unsubscribe({topics: [ … ]})</c>: leaves the
        /// topics; idempotent. Answers <c>{topics: [{room, scope, topic, organizationId, tenantId, subscribed: false}]}</c>.
        /// </summary>
        public const string Unsubscribe = "Unsubscribe";
    }

    /// <summary>Events the server sends besides broadcasts.</summary>
    public static class Events
    {
        /// <summary>Sent after <c>Authenticate</c>, with its result.</summary>
        public const string Authenticated = "authenticated";

        /// <summary>Sent after <c>Ping</c>, with <c>{timestamp}</c>.</summary>
        public const string Pong = "pong";

        /// <summary>
        /// Sent when a user comes online in a scope the connection may watch, or leaves it (<see cref="PresenceTypes"/>),
        /// when the server enables presence; and, to a topic's subscribers only, when a user subscribes to the topic or
        /// leaves it (scope <see cref="Scopes.Topic"/>, with <c>topic</c>, <c>organizationId</c> and, for a tenant topic,
        /// <c>tenantId</c>), for topics whose prefix tracks presence. An envelope without <c>room</c>, <c>seq</c> and
        /// <c>epoch</c>: presence events are not kept for <c>Resume</c>; after a reconnect a client reads the list again
        /// with <c>GetPresence</c>, and a topic's in the answer of the <c>Subscribe</c> that subscribes it again.
        /// </summary>
        public const string Presence = "presence";

        /// <summary>
        /// A room's keyed state: <c>{room, epoch, version, full, set, removed, lost?}</c> (<see cref="StateFields"/>). With
        /// <c>full</c> it is the room's whole state (replace what you hold); without, the keys in <c>set</c> changed and
        /// those in <c>removed</c> were removed. Versions count 1, 2, 3, … per room and epoch; drop a message whose
        /// version is at or below the one you hold in that epoch. Not an envelope and not kept for broadcast recovery.
        /// </summary>
        public const string State = "state";

        /// <summary>
        /// The server took topics away from the connection (<c>RefreshUserRoomsAsync</c> asked the topic authorizer
        /// again and it refused them): <c>{topics: [{room, scope, topic, organizationId, tenantId, subscribed: false,
        /// error: "forbidden"}]}</c>. Their broadcasts and state stop; subscribing again is asked again.
        /// </summary>
        public const string Unsubscribed = "unsubscribed";
    }

    /// <summary>The envelope <c>type</c> of a <see cref="Events.Presence"/> event.</summary>
    public static class PresenceTypes
    {
        /// <summary>The users in <c>data.users</c> came online in the scope (their first connection arrived).</summary>
        public const string Joined = "joined";

        /// <summary>The users in <c>data.users</c> went offline in the scope (their last connection left, debounced).</summary>
        public const string Left = "left";
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

        /// <summary>
        /// The connection invokes too fast; also the code of the 429 problem refusing a new connection while the server
        /// admits no more this second (retry after <c>Retry-After</c>).
        /// </summary>
        public const string RateLimited = "rate-limited";

        /// <summary>A limit (rooms, topics, connections) would be exceeded.</summary>
        public const string LimitExceeded = "limit-exceeded";

        /// <summary>
        /// The server closed the connection because it did not read its messages fast enough; reconnect and
        /// <c>Resume</c>.
        /// </summary>
        public const string SlowConsumer = "slow-consumer";

        /// <summary>The feature the call needs is not enabled on this server (for example presence, <c>GetPresence</c>).</summary>
        public const string Disabled = "disabled";

        /// <summary>
        /// What the call needs from the scale-out (Redis) cannot be reached right now, for example presence across
        /// servers during a Redis outage; nothing about the call is wrong: retry later.
        /// </summary>
        public const string Unavailable = "unavailable";
    }

    /// <summary>The field names of hub method results that carry room positions.</summary>
    public static class ResultFields
    {
        /// <summary>
        /// <c>positions</c>: in <c>Authenticate</c>'s result (and the <c>authenticated</c> event), the current
        /// <c>{room, epoch, seq}</c> of the rooms in <c>rooms</c>, in the same order; empty when recovery is disabled.
        /// </summary>
        public const string Positions = "positions";

        /// <summary>
        /// <c>position</c>: in <c>JoinOrganization</c>'s result, the current <c>{room, epoch, seq}</c> of the room
        /// joined; <see langword="null"/> when recovery is disabled.
        /// </summary>
        public const string Position = "position";
    }

    /// <summary>
    /// The field names of a <see cref="Events.State"/> message, and of the state versions a client names in
    /// <see cref="Methods.Resume"/>. Servers and clients read and write them from here.
    /// </summary>
    public static class StateFields
    {
        /// <summary><c>room</c>: the key of the room the state belongs to (<c>all</c>, <c>org:{o}</c>, <c>tenant:{o}:{t}</c>, <c>user:{o}:{u}</c>, <c>topic:{o}:{t}:{topic}</c>, <c>org-topic:{o}:{topic}</c>).</summary>
        public const string Room = "room";

        /// <summary><c>epoch</c>: the identity of the room's state; it changes when the state is lost (a restart in memory).</summary>
        public const string Epoch = "epoch";

        /// <summary><c>version</c>: the room's state version after this message (1, 2, 3, … per epoch; 0 for a room never changed).</summary>
        public const string Version = "version";

        /// <summary><c>full</c>: whether the message is the room's whole state rather than changes.</summary>
        public const string Full = "full";

        /// <summary><c>set</c>: the keys set, with their latest values, as a map from key to value.</summary>
        public const string Set = "set";

        /// <summary><c>removed</c>: the keys removed.</summary>
        public const string Removed = "removed";

        /// <summary>
        /// <c>lost</c>: <see langword="true"/> on a whole state that replaces state the client held in an epoch that is
        /// gone (a restart in memory, Redis lost the room) when no <c>IStateLoader</c> filled the room again: what the
        /// client held is lost, not carried over. Absent otherwise (false under MessagePack).
        /// </summary>
        public const string Lost = "lost";

        /// <summary>
        /// <c>states</c>: in <see cref="Methods.Resume"/>'s request, the versions held as <c>[{room, epoch, version}]</c>;
        /// in its result, one <c>{room, recovered, replayed, error?}</c> each: <c>recovered</c> when only the changed
        /// and removed keys were sent, otherwise the whole state was; <c>replayed</c> counts the keys sent.
        /// </summary>
        public const string States = "states";
    }

    /// <summary>
    /// The envelope's field names, as every broadcast spells them under both hub protocols (camelCase). Servers,
    /// clients and stored histories read and write them from here.
    /// </summary>
    public static class EnvelopeFields
    {
        /// <summary><c>type</c>: what happened, for example <c>created</c>.</summary>
        public const string Type = "type";

        /// <summary><c>data</c>: the payload.</summary>
        public const string Data = "data";

        /// <summary><c>timestamp</c>: when it was sent, ISO-8601 UTC.</summary>
        public const string Timestamp = "timestamp";

        /// <summary><c>scope</c>: <c>all</c>, <c>organization</c>, <c>tenant</c>, <c>user</c> or <c>topic</c> (<see cref="Scopes"/>).</summary>
        public const string Scope = "scope";

        /// <summary><c>organizationId</c>: the organization of an organization, tenant or user broadcast.</summary>
        public const string OrganizationId = "organizationId";

        /// <summary><c>tenantId</c>: the tenant of a tenant broadcast.</summary>
        public const string TenantId = "tenantId";

        /// <summary><c>userId</c>: the user of a user broadcast.</summary>
        public const string UserId = "userId";

        /// <summary><c>room</c>: the key of the room the broadcast was sent to.</summary>
        public const string Room = "room";

        /// <summary><c>seq</c>: the broadcast's position in its room.</summary>
        public const string Seq = "seq";

        /// <summary><c>epoch</c>: the identity of the room's history.</summary>
        public const string Epoch = "epoch";

        /// <summary><c>topic</c>: the topic of a topic broadcast (<see cref="Scopes.Topic"/>); its organization and, for a tenant topic, its tenant are in <c>organizationId</c> and <c>tenantId</c>.</summary>
        public const string Topic = "topic";
    }

    /// <summary>
    /// The fields of a topic in <see cref="Methods.Subscribe"/>, <see cref="Methods.Unsubscribe"/>, their answers and
    /// <see cref="Events.Unsubscribed"/>. A topic lives inside a tenant (<c>scope: "tenant"</c>, room
    /// <c>topic:{o}:{t}:{topic}</c>) or inside an organization (<c>scope: "organization"</c>, room
    /// <c>org-topic:{o}:{topic}</c>); the ids default to the connection's own. A topic name is 1 to 128 characters (the
    /// server's bound) of <c>[A-Za-z0-9_.-]</c> in segments joined by single <c>:</c>, for example <c>incident:42</c>.
    /// </summary>
    public static class TopicFields
    {
        /// <summary><c>scope</c>: <see cref="Scopes.Tenant"/> or <see cref="Scopes.Organization"/>.</summary>
        public const string Scope = "scope";

        /// <summary><c>topic</c>: the topic's name.</summary>
        public const string Topic = "topic";

        /// <summary><c>organizationId</c>: the organization the topic lives in.</summary>
        public const string OrganizationId = "organizationId";

        /// <summary><c>tenantId</c>: the tenant a tenant topic lives in.</summary>
        public const string TenantId = "tenantId";

        /// <summary><c>topics</c>: the list form of a request, and every answer's list.</summary>
        public const string Topics = "topics";

        /// <summary><c>room</c>: the topic's room key, as its envelopes, positions and state carry it.</summary>
        public const string Room = "room";

        /// <summary><c>subscribed</c>: whether the connection holds the topic after the call.</summary>
        public const string Subscribed = "subscribed";

        /// <summary><c>position</c>: the topic room's current <c>{room, epoch, seq}</c>; <see langword="null"/> with recovery off.</summary>
        public const string Position = "position";

        /// <summary><c>error</c>: why a topic of a list was not granted (<see cref="Errors.Forbidden"/>).</summary>
        public const string Error = "error";

        /// <summary>
        /// <c>presence</c>: in a <see cref="Methods.Subscribe"/> answer, for a granted topic whose prefix tracks presence,
        /// its users as a <see cref="Events.Presence"/> event's data (<c>{users, userCount, countsOnly}</c>), this
        /// connection's user included; then <see cref="Events.Presence"/> events of scope <see cref="Scopes.Topic"/>
        /// change it. Absent for a topic without presence; <see langword="null"/> with <see cref="PresenceError"/> when
        /// it could not be read.
        /// </summary>
        public const string Presence = "presence";

        /// <summary><c>presenceError</c>: why <see cref="Presence"/> is <see langword="null"/> (<see cref="Errors.Unavailable"/>: Redis could not be read; subscribe again to read it).</summary>
        public const string PresenceError = "presenceError";
    }

    /// <summary>
    /// How a scope is spelled on the wire: the value of the envelope's <see cref="EnvelopeFields.Scope"/> (who a
    /// broadcast was addressed to), and the <c>scope</c> of <see cref="Methods.GetPresence"/>, of its answer and of
    /// <see cref="Events.Presence"/> events, which are <see cref="Organization"/> or <see cref="Tenant"/>. Servers and
    /// clients compare and write scopes from here.
    /// </summary>
    public static class Scopes
    {
        /// <summary><c>all</c>: a broadcast to every connection.</summary>
        public const string All = "all";

        /// <summary><c>organization</c>: a broadcast to one organization; in presence, the users online in an organization.</summary>
        public const string Organization = "organization";

        /// <summary>
        /// <c>tenant</c>: a broadcast to one tenant of an organization (and that organization's admins); in presence, the
        /// users online in one tenant.
        /// </summary>
        public const string Tenant = "tenant";

        /// <summary><c>user</c>: a broadcast to every connection of one user.</summary>
        public const string User = "user";

        /// <summary>
        /// <c>topic</c>: a broadcast to the subscribers of one topic (the envelope's <c>topic</c>, <c>organizationId</c>
        /// and, for a tenant topic, <c>tenantId</c> name it); in presence, the users subscribed to one topic.
        /// </summary>
        public const string Topic = "topic";
    }
}
