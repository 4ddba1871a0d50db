using System.Diagnostics.CodeAnalysis;

namespace TenantRealtime;

/// <summary>The outcome of <see cref="IAuthenticator.AuthenticateAsync"/>: an identity, or a refusal.</summary>
public sealed class AuthenticationResult
{
    private AuthenticationResult(TenantIdentity? identity, string? failureReason)
    {
        Identity = identity;
        FailureReason = failureReason;
    }

    /// <summary>Gets whether the connection was authenticated.</summary>
    [MemberNotNullWhen(true, nameof(Identity))]
    [MemberNotNullWhen(false, nameof(FailureReason))]
    public bool Succeeded => Identity is not null;

    /// <summary>Gets the identity when <see cref="Succeeded"/>.</summary>
    public TenantIdentity? Identity { get; }

    /// <summary>Gets why the connection was refused; it is sent to the client, so it must not reveal secrets.</summary>
    public string? FailureReason { get; }

    /// <summary>An authenticated identity.</summary>
    /// <param name="identity">The identity.</param>
    /// <returns>A successful result.</returns>
    public static AuthenticationResult Success(TenantIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return new(identity, null);
    }

    /// <summary>A refusal.</summary>
    /// <param name="reason">A sentence the client may see, for example "the token has no org_id claim".</param>
    /// <returns>A failed result.</returns>
    public static AuthenticationResult Fail(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new(null, reason);
    }
}
