using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TenantRealtime.Recovery;
using TenantRealtime.Redis.Backplane;
using TenantRealtime.Redis.RedisConnection;
using TenantRealtime.Rooms.Internal;

namespace TenantRealtime.Redis.State;

/// <summary>
/// Keyed state in Redis: per room a meta hash (epoch, version, tombstone floor), a hash of values, and three sorted sets
/// (the version of each key's last change, the bounded tombstones, and when each key with a time-to-live ends), under the room's organization hash tag
/// (<see cref="RedisKeys.StateMeta"/>). One script sets or removes a key, gives the change the room's next state version
/// and publishes it on the organization's channel (<see cref="StateMessage"/>), so every server and every Cluster
/// shard see one order per room; another reads the whole state or the changes since a version; a third removes the
/// keys whose time-to-live has ended (the read does too, first). Calls are raw: the caller bounds them with the
/// <see cref="RedisCallPolicy"/>.
/// </summary>
internal sealed class RedisStateStore(SharedRedisConnection connection, RoomPublications publications, IOptionsMonitor<TenantRealtimeOptions> options)
{
    /// <summary>Gets this server's id in state messages: the one its broadcasts carry.</summary>
    public Guid Origin => publications.Origin;

    /// <summary>
    /// Sets <paramref name="key"/> to <paramref name="valueJson"/>, or removes it when that is <see langword="null"/>, and
    /// publishes the change. Returns the room's epoch and the change's version: 0 for a removal of a key the room does
    /// not hold, -1 when the key is new and the room already holds <paramref name="maxKeys"/> keys (nothing changed).
    /// </summary>
    public Task<(string Epoch, long Version)> ChangeAsync(string room, string key, string? valueJson, int maxKeys, CancellationToken cancellationToken) =>
        ChangeAsync(room, key, valueJson, maxKeys, timeToLiveMilliseconds: 0, cancellationToken);

    /// <summary>
    /// As <see cref="ChangeAsync(string, string, string?, int, CancellationToken)"/>; a set with
    /// <paramref name="timeToLiveMilliseconds"/> above 0 ends that long after Redis takes it (Redis's clock), unless set
    /// again, and its expiry message tells every server to sweep the room then. A set without one, or a removal, ends
    /// the key's time-to-live.
    /// </summary>
    public async Task<(string Epoch, long Version)> ChangeAsync(string room, string key, string? valueJson, int maxKeys, long timeToLiveMilliseconds, CancellationToken cancellationToken)
    {
        var multiplexer = await connection.GetAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var publishing = await PublishingAsync(room).ConfigureAwait(false);
        RedisValue[] values =
        [
            RoomEpochs.New(), key, valueJson is null ? "r" : "s", valueJson ?? "", maxKeys,
            .. publishing,
            valueJson is null ? 0 : timeToLiveMilliseconds,
            StateMessage.WriteExpiryHead(Origin, room),
        ];
        var result = await multiplexer.GetDatabase().ScriptEvaluateAsync(StateScripts.Change, KeysOf(room), values).WaitAsync(cancellationToken).ConfigureAwait(false);
        var parts = (RedisResult[])result!;
        return ((string)parts[0]!, (long)parts[1]);
    }

    /// <summary>
    /// The changes after <paramref name="version"/> of <paramref name="epoch"/>, or the whole state when those cannot be
    /// told (or <paramref name="epoch"/> is null). A room without state is created empty at version 0 of a new epoch.
    /// </summary>
    public Task<RedisStateRead> ReadAsync(string room, string? epoch, long version, CancellationToken cancellationToken) =>
        ReadAsync(room, epoch, version, fillMilliseconds: 0, cancellationToken);

    /// <summary>
    /// As <see cref="ReadAsync(string, string?, long, CancellationToken)"/>; with <paramref name="fillMilliseconds"/> above
    /// 0 (the app has a state loader) a room created by this read is marked as filling for that long and the answer
    /// tells this caller to fill it (<see cref="FillAsync"/>), while other readers are told to wait for it.
    /// </summary>
    public async Task<RedisStateRead> ReadAsync(string room, string? epoch, long version, long fillMilliseconds, CancellationToken cancellationToken)
    {
        var multiplexer = await connection.GetAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var publishing = await PublishingAsync(room).ConfigureAwait(false);
        RedisValue[] values =
        [
            RoomEpochs.New(), epoch ?? "", version, fillMilliseconds, RoomBounds.Of(options.CurrentValue, room).MaxStateKeys,
            .. publishing,
        ];
        var result = await multiplexer.GetDatabase().ScriptEvaluateAsync(StateScripts.Read, KeysOf(room), values).WaitAsync(cancellationToken).ConfigureAwait(false);
        var parts = (RedisResult[])result!;
        var flat = (RedisResult[])parts[3]!;
        var set = new Dictionary<string, string>(flat.Length / 2, StringComparer.Ordinal);
        for (var i = 0; i + 1 < flat.Length; i += 2)
        {
            set[(string)flat[i]!] = (string)flat[i + 1]!;
        }

        var removed = ((RedisResult[])parts[4]!).Select(r => (string)r!).ToList();
        return new RedisStateRead((string)parts[0]!, (long)parts[1], (long)parts[2] == 1, set, removed, (RedisStateFill)(long)parts[5], (long)parts[6] == 1, (long)parts[7]);
    }

    /// <summary>
    /// Removes the room's keys whose time-to-live has ended by Redis's clock, each a versioned removal published as
    /// <see cref="ChangeAsync(string, string, string?, int, CancellationToken)"/> publishes one; safe to call from any
    /// number of servers. Returns the milliseconds until the room's next key ends, or -1 when none has a time-to-live.
    /// </summary>
    public async Task<long> ExpireAsync(string room, CancellationToken cancellationToken)
    {
        var multiplexer = await connection.GetAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var publishing = await PublishingAsync(room).ConfigureAwait(false);
        RedisValue[] values =
        [
            RoomBounds.Of(options.CurrentValue, room).MaxStateKeys,
            .. publishing,
        ];
        var result = await multiplexer.GetDatabase().ScriptEvaluateAsync(StateScripts.Expire, KeysOf(room), values).WaitAsync(cancellationToken).ConfigureAwait(false);
        return (long)result;
    }

    /// <summary>
    /// Fills <paramref name="epoch"/> of a room this server was told to fill with <paramref name="loaded"/> (key → value
    /// JSON; null: the loader had nothing), each key a published change. Returns the room's version after it, or -1 when
    /// the room is no longer filling that epoch (nothing changed).
    /// </summary>
    public async Task<long> FillAsync(string room, string epoch, IReadOnlyList<KeyValuePair<string, byte[]>>? loaded, int maxKeys, CancellationToken cancellationToken)
    {
        var multiplexer = await connection.GetAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var publishing = await PublishingAsync(room).ConfigureAwait(false);
        var values = new List<RedisValue>(6 + (2 * (loaded?.Count ?? 0))) { epoch, loaded is null ? "0" : "1", maxKeys };
        values.AddRange(publishing);
        foreach (var (key, json) in loaded ?? [])
        {
            values.Add(key);
            values.Add(json);
        }

        var result = await multiplexer.GetDatabase().ScriptEvaluateAsync(StateScripts.Fill, KeysOf(room), [.. values]).WaitAsync(cancellationToken).ConfigureAwait(false);
        return (long)result;
    }

    /// <summary>
    /// How the state scripts publish a room's changes: the publish command (SPUBLISH on a Redis Cluster, whose shard owns
    /// the room's keys and channel), the organization's channel, and this server's message head for the room.
    /// </summary>
    private async Task<RedisValue[]> PublishingAsync(string room)
    {
        var (command, channel) = await publications.ChannelOfAsync(room).ConfigureAwait(false);
        return [command, channel, StateMessage.WriteHead(Origin, room)];
    }

    private RedisKey[] KeysOf(string room)
    {
        var keys = connection.Keys;
        return [keys.StateMeta(room), keys.StateValues(room), keys.StateChanges(room), keys.StateRemoved(room), keys.StateExpiries(room)];
    }
}
