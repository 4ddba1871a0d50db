namespace TenantRealtime.Connections.Internal;

/// <summary>
/// Told each change of a connection's rooms once it is applied, under the connection's gate, so changes reach it one
/// at a time and in order; the end of a connection is a change to no rooms. How topic presence learns who subscribed
/// without connections knowing of presence. Must return at once: it runs inside every room change.
/// </summary>
internal interface IRoomsObserver
{
    /// <summary>The rooms of <paramref name="state"/> went from <paramref name="before"/> to <paramref name="after"/>.</summary>
    void RoomsChanged(ConnectionState state, TenantRoom[] before, TenantRoom[] after);
}
