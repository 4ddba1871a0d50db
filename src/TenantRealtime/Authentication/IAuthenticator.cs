namespace TenantRealtime;

/// <summary>
/// Decides who a connection is. Called when a connection starts (with no <see cref="AuthenticationContext.Request"/>),
/// when a client invokes <c>Authenticate</c> (with its request), and when an app asks to re-resolve a user's rooms.
/// The default reads the claims named in <see cref="TenantRealtimeOptions"/> from the authenticated user.
/// </summary>
/// <remarks>
/// A custom authenticator may look at anything the server trusts (claims, an API key header checked against a
/// store, a custom token). What a client sends in <c>Authenticate</c> is a request to be checked, never a fact.
/// </remarks>
public interface IAuthenticator
{
    /// <summary>Turns a connection into a <see cref="TenantIdentity"/>, or refuses it.</summary>
    /// <param name="context">The connection's user, HTTP context and optional <c>Authenticate</c> request.</param>
    /// <param name="cancellationToken">Cancels the authentication.</param>
    /// <returns>The identity, or a refusal with a reason that is safe to show the client.</returns>
    ValueTask<AuthenticationResult> AuthenticateAsync(AuthenticationContext context, CancellationToken cancellationToken);
}
