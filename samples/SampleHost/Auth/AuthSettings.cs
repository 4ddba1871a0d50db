namespace SampleHost.Auth;

/// <summary>The <c>Auth</c> configuration section: a symmetric signing key, or an external authority.</summary>
internal sealed class AuthSettings
{
    public const string SectionName = "Auth";

    /// <summary>HS256 key, at least 32 bytes of UTF-8. Set as <c>Auth:SigningKey</c> (environment: <c>Auth__SigningKey</c>).</summary>
    public string? SigningKey { get; set; }

    /// <summary>An OpenID Connect authority whose keys validate tokens, instead of a signing key.</summary>
    public string? Authority { get; set; }

    public string Issuer { get; set; } = "tenantrealtime-sample";

    public string Audience { get; set; } = "tenantrealtime-sample";

    /// <summary>Fails at start, naming the setting, rather than serving an API nobody can authenticate against.</summary>
    public void ThrowIfUnusable(string environmentName)
    {
        if (string.IsNullOrWhiteSpace(SigningKey) && string.IsNullOrWhiteSpace(Authority))
        {
            throw new InvalidOperationException(
                $"No token validation is configured for the '{environmentName}' environment: set 'Auth:SigningKey' " +
                "(environment variable Auth__SigningKey, at least 32 bytes) or 'Auth:Authority' (Auth__Authority). " +
                "Only Development ships a key, in appsettings.Development.json.");
        }

        if (!string.IsNullOrWhiteSpace(SigningKey) && System.Text.Encoding.UTF8.GetByteCount(SigningKey) < 32)
        {
            throw new InvalidOperationException("'Auth:SigningKey' must be at least 32 bytes long for HS256.");
        }
    }
}
