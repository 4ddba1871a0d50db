using System.Diagnostics.CodeAnalysis;

namespace TenantRealtime;

/// <summary>The outcome of <see cref="IRoomResolver.CanJoinOrganizationAsync"/>: rooms to join, or a refusal.</summary>
public sealed class RoomDecision
{
    private RoomDecision(IReadOnlyCollection<TenantRoom>? rooms, string? reason)
    {
        Rooms = rooms;
        Reason = reason;
    }

    /// <summary>Gets whether the join is allowed.</summary>
    [MemberNotNullWhen(true, nameof(Rooms))]
    [MemberNotNullWhen(false, nameof(Reason))]
    public bool Allowed => Rooms is not null;

    /// <summary>Gets the rooms to join when <see cref="Allowed"/>.</summary>
    public IReadOnlyCollection<TenantRoom>? Rooms { get; }

    /// <summary>Gets why the join was refused; it is sent to the client.</summary>
    public string? Reason { get; }

    /// <summary>Allows the join with these rooms.</summary>
    /// <param name="rooms">The rooms to join; all must belong to the requested organization.</param>
    /// <returns>An allowing decision.</returns>
    public static RoomDecision Allow(IReadOnlyCollection<TenantRoom> rooms)
    {
        ArgumentNullException.ThrowIfNull(rooms);
        return new(rooms, null);
    }

    /// <summary>Refuses the join.</summary>
    /// <param name="reason">A sentence the client may see.</param>
    /// <returns>A refusing decision.</returns>
    public static RoomDecision Deny(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new(null, reason);
    }
}
