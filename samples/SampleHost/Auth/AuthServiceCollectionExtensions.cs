using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace SampleHost.Auth;

/// <summary>JWT bearer for the REST API and the hub, with the claims of the wire contract read unmapped.</summary>
internal static class AuthServiceCollectionExtensions
{
    public static IServiceCollection AddSampleAuthentication(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var settings = configuration.GetSection(AuthSettings.SectionName).Get<AuthSettings>() ?? new AuthSettings();
        settings.ThrowIfUnusable(environment.EnvironmentName);
        services.AddSingleton(settings);
        services.AddSingleton<DevTokenIssuer>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(o =>
            {
                // Keep "sub", "org_id", "tenant_id" and "role" as they are; the library reads them by these names.
                o.MapInboundClaims = false;
                o.Audience = settings.Audience;
                if (!string.IsNullOrWhiteSpace(settings.Authority))
                {
                    o.Authority = settings.Authority;
                }

                o.TokenValidationParameters = new TokenValidationParameters
                {
                    // With an authority the issuer comes from its metadata document.
                    ValidIssuer = string.IsNullOrWhiteSpace(settings.Authority) ? settings.Issuer : null,
                    ValidAudience = settings.Audience,
                    NameClaimType = "sub",
                    RoleClaimType = "role",
                    IssuerSigningKey = string.IsNullOrWhiteSpace(settings.SigningKey)
                        ? null
                        : new SymmetricSecurityKey(Encoding.UTF8.GetBytes(settings.SigningKey)),
                };
                o.Events = new TenantJwtEvents();
            });
        return services;
    }
}
