using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TenantRealtime.Diagnostics;
using TenantRealtime.Identity.Internal;

namespace TenantRealtime.State.Internal;

/// <summary>
/// Validates a change, serializes its value once and hands it to the room's <see cref="KeyedState"/>, which sends it
/// now or merges it into the key's next slot.
/// </summary>
internal sealed class TenantState(
    StateRoomStore rooms,
    StatePublisher publisher,
    IStateSync sync,
    StateValueSerializer serializer,
    IOptionsMonitor<TenantRealtimeOptions> options,
    TimeProvider time,
    ILogger<TenantState> logger) : ITenantState
{
    private readonly LogThrottle _refusals = new(time);

    public Task SetAsync(StateRoom room, string key, object? data, CancellationToken cancellationToken = default) =>
        SetUntilAsync(room, key, data, expiresAt: 0, cancellationToken);

    public Task SetAsync(StateRoom room, string key, object? data, TimeSpan timeToLive, CancellationToken cancellationToken = default) =>
        SetUntilAsync(room, key, data, StateTimeToLive.DueAt(time, timeToLive), cancellationToken);

    /// <summary>Sets a key that is removed at <paramref name="expiresAt"/> (a timestamp; 0: never) unless changed again.</summary>
    private Task SetUntilAsync(StateRoom room, string key, object? data, long expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var roomKey = Validate(room, key);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var value = serializer.Serialize(data, roomKey, key);
            rooms.GetOrCreate(roomKey).Change(key, value, publisher, expiresAt);
        }
        catch (TenantRealtimeLimitExceededException ex)
        {
            if (_refusals.ShouldLog(out var count))
            {
                TenantRealtimeLog.StateRefused(logger, StateRoomKeys.ScopeOf(roomKey), ex.Message, count);
            }

            throw;
        }

        // Keys whose slot has come go out with this change rather than on a wake-up of the timer (outside the room's lock).
        publisher.SendDue();
        return Task.CompletedTask;
    }

    public Task RemoveAsync(StateRoom room, string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var roomKey = Validate(room, key);
        cancellationToken.ThrowIfCancellationRequested();
        rooms.Find(roomKey)?.Change(key, value: null, publisher);
        publisher.SendDue();
        return Task.CompletedTask;
    }

    public async Task<IReadOnlyDictionary<string, object?>> GetAsync(StateRoom room, CancellationToken cancellationToken = default)
    {
        var roomKey = Validate(room, key: null);
        cancellationToken.ThrowIfCancellationRequested();

        // A read like a connection's: a room not written in this run is filled by the app's loader first.
        await sync.RefreshAsync([roomKey], cancellationToken).ConfigureAwait(false);
        return rooms.Find(roomKey)?.Values() ?? [];
    }

    /// <summary>The room's key, once its ids (and the key, if any) follow the id rule; <see cref="ArgumentException"/> otherwise.</summary>
    private string Validate(StateRoom room, string? key) => RoomKeyOf(room, key, options.CurrentValue);

    /// <summary>The room's key, once its ids (and the key, if any) follow the id rule and a topic's name the topic rule of <paramref name="options"/>; <see cref="ArgumentException"/> otherwise.</summary>
    internal static string RoomKeyOf(StateRoom room, string? key, TenantRealtimeOptions options)
    {
        var max = options.MaxIdLength;
        switch (room.Scope)
        {
            case BroadcastScope.All:
                break;
            case BroadcastScope.Organization:
                Ids.ThrowIfInvalid(room.OrganizationId, max, "room.OrganizationId");
                break;
            case BroadcastScope.Tenant:
                Ids.ThrowIfInvalid(room.OrganizationId, max, "room.OrganizationId");
                Ids.ThrowIfInvalid(room.TenantId, max, "room.TenantId");
                break;
            case BroadcastScope.User:
                Ids.ThrowIfInvalid(room.OrganizationId, max, "room.OrganizationId");
                Ids.ThrowIfInvalid(room.UserId, max, "room.UserId");
                break;
            case BroadcastScope.Topic:
                Ids.ThrowIfInvalid(room.OrganizationId, max, "room.OrganizationId");
                if (room.TenantId is not null)
                {
                    Ids.ThrowIfInvalid(room.TenantId, max, "room.TenantId");
                }

                TopicNames.ThrowIfInvalid(room.TopicName, options.MaxTopicNameLength, "room.TopicName");
                break;
            default:
                throw new ArgumentException("'room' must be made by StateRoom.All, Organization, Tenant, User or OfTopic.", nameof(room));
        }

        if (key is not null)
        {
            Ids.ThrowIfInvalid(key, max, nameof(key));
        }

        return StateRoomKeys.KeyOf(room);
    }
}
