using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace TenantRealtime.TestHost;

internal static class JwtAuthentication
{
    /// <summary>JWT bearer as a real app has it, the token also read from the hub's <c>access_token</c> query.</summary>
    public static IServiceCollection AddTestJwtBearer(this IServiceCollection services, JwtSettings settings)
    {
        services.AddAuthentication().AddJwtBearer(jwt =>
        {
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = settings.Issuer,
                ValidAudience = settings.Audience,
                IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(settings.Key)),
                ClockSkew = TimeSpan.FromSeconds(settings.ClockSkewSeconds),
            };
            jwt.Events = new JwtBearerEvents
            {
                // WebSocket clients cannot set headers: SignalR sends the token in the query.
                OnMessageReceived = context =>
                {
                    if (context.HttpContext.Request.Path.StartsWithSegments(TenantRealtimeWire.DefaultHubPath) &&
                        context.Request.Query.TryGetValue("access_token", out var token))
                    {
                        context.Token = token;
                    }

                    return Task.CompletedTask;
                },
            };
        });
        return services;
    }
}
