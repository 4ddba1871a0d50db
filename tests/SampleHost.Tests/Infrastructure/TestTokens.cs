using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SampleHost.Tests.Infrastructure;

/// <summary>Hand-made tokens, for the cases the dev token route refuses to issue (missing claims, bad ids, wrong key).</summary>
public static class TestTokens
{
    /// <summary>The key in the sample's appsettings.Development.json.</summary>
    public const string DevelopmentKey = "tenantrealtime-sample-development-signing-key-not-a-secret";

    public static string Sign(Dictionary<string, object> claims, string key = DevelopmentKey) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "tenantrealtime-sample",
            Audience = "tenantrealtime-sample",
            Claims = claims,
            Expires = DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
}
