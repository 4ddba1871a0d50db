using StackExchange.Redis;

namespace TenantRealtime.Redis.Backplane;

/// <summary>
/// How one broadcast is kept and published: the command, its organization's channel (full name), the message head, its
/// room's history keys, and their hash slot.
/// </summary>
/// <param name="Command"><c>PUBLISH</c>, or <c>SPUBLISH</c> on Redis Cluster.</param>
/// <param name="Channel">The channel's full name, byte-equal to what the organization's subscribers listen to.</param>
/// <param name="Head">The head of the message (<see cref="BroadcastMessage.WriteHead"/>).</param>
/// <param name="Meta">The room's history hash (<see cref="RedisConnection.RedisKeys.HistoryMeta"/>).</param>
/// <param name="Stream">The room's history stream (<see cref="RedisConnection.RedisKeys.HistoryStream"/>).</param>
/// <param name="Slot">On a Redis Cluster the hash slot of its room's keys and channel (one per organization), else -1.</param>
internal readonly record struct RoomPublication(string Command, string Channel, byte[] Head, RedisKey Meta, RedisKey Stream, int Slot = -1)
{
    public const string Publish = "PUBLISH";

    public const string ShardedPublish = "SPUBLISH";

    /// <summary>Gets whether it goes out on sharded pub/sub.</summary>
    public bool IsSharded => Command == ShardedPublish;
}
