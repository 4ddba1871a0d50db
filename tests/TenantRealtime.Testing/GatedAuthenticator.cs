using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using TenantRealtime.Authentication.Internal;

namespace TenantRealtime.Testing;

/// <summary>
/// The default claims authenticator, with two test controls: a role that overrides the token's for one user (as an
/// app's database would say after a change), and a gate that holds one user's next connection inside its connect-time
/// authentication, after its identity was read, until the test releases it. That puts a connection deterministically
/// in the window between authentication and being stored. Without controls it is the claims authenticator.
/// </summary>
public sealed class GatedAuthenticator(IOptionsMonitor<TenantRealtimeOptions> options) : IAuthenticator
{
    private readonly ClaimsAuthenticator _claims = new(options);
    private readonly ConcurrentDictionary<string, string> _roles = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Gate> _gates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _seen = new(StringComparer.Ordinal);

    /// <summary>From now on the user's identity has <paramref name="role"/>, whatever its token says.</summary>
    public void SetRole(string organizationId, string userId, string role) => _roles[Key(organizationId, userId)] = role;

    /// <summary>Holds the user's next connection in its connect-time authentication until the gate is released.</summary>
    public Gate Hold(string organizationId, string userId) => _gates[Key(organizationId, userId)] = new Gate();

    public async ValueTask<AuthenticationResult> AuthenticateAsync(AuthenticationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var result = await _claims.AuthenticateAsync(context, cancellationToken).ConfigureAwait(false);
        if (result.Identity is not { } identity)
        {
            return result;
        }

        var key = Key(identity.OrganizationId, identity.UserId);
        if (_roles.TryGetValue(key, out var role))
        {
            identity = identity with { Role = role };
        }

        // The connect-time call is a connection's first, without an Authenticate request; refreshes come later.
        var connecting = context.Request is null && _seen.TryAdd(context.ConnectionId, true);
        if (connecting && _gates.TryRemove(key, out var gate))
        {
            gate.Enter();
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return AuthenticationResult.Success(identity);
    }

    private static string Key(string organizationId, string userId) => organizationId + "/" + userId;

    /// <summary>One held connection: <see cref="Entered"/> once it is held, until <see cref="Release"/>.</summary>
    public sealed class Gate
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when a connection has read its identity and is held.</summary>
        public Task Entered => _entered.Task;

        public void Release() => _released.TrySetResult();

        internal void Enter() => _entered.TrySetResult();

        internal Task WaitAsync(CancellationToken cancellationToken) => _released.Task.WaitAsync(cancellationToken);
    }
}
