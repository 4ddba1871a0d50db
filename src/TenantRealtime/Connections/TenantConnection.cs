namespace TenantRealtime;

/// <summary>A live connection as the <see cref="IConnectionRegistry"/> sees it.</summary>
/// <param name="ConnectionId">The SignalR connection id.</param>
/// <param name="Identity">The identity, or <see langword="null"/> for an anonymous connection.</param>
public sealed record TenantConnection(string ConnectionId, TenantIdentity? Identity);
