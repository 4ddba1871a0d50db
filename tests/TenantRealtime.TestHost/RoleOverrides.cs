using System.Collections.Concurrent;

namespace TenantRealtime.TestHost;

/// <summary>
/// Roles the app's database would now say, overriding the token's, so that a JS test can change a live connection's
/// identity and refresh it (<c>POST /organizations/{o}/users/{u}/role/{role}</c>). Empty, it changes nothing.
/// </summary>
internal sealed class RoleOverrides
{
    private readonly ConcurrentDictionary<(string Organization, string User), string> _roles = new();

    public void Set(string organizationId, string userId, string role) => _roles[(organizationId, userId)] = role;

    public string? Find(string organizationId, string userId) => _roles.GetValueOrDefault((organizationId, userId));

    /// <summary>Wraps the authenticator registered so far (the library's claims authenticator) with the overrides.</summary>
    public static void Decorate(IServiceCollection services)
    {
        var inner = services.Last(d => d.ServiceType == typeof(IAuthenticator));
        services.Remove(inner);
        services.AddSingleton<RoleOverrides>();
        services.AddSingleton<IAuthenticator>(provider => new Authenticator(
            inner.ImplementationType is { } type ? (IAuthenticator)ActivatorUtilities.CreateInstance(provider, type) : (IAuthenticator)inner.ImplementationFactory!(provider),
            provider.GetRequiredService<RoleOverrides>()));
    }

    private sealed class Authenticator(IAuthenticator inner, RoleOverrides overrides) : IAuthenticator
    {
        public async ValueTask<AuthenticationResult> AuthenticateAsync(AuthenticationContext context, CancellationToken cancellationToken)
        {
            var result = await inner.AuthenticateAsync(context, cancellationToken).ConfigureAwait(false);
            return result.Identity is { } identity && overrides.Find(identity.OrganizationId, identity.UserId) is { } role
                ? AuthenticationResult.Success(identity with { Role = role })
                : result;
        }
    }
}
