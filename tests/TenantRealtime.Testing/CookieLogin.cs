using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace TenantRealtime.Testing;

/// <summary>
/// A cookie-authenticated app, as a server-rendered SaaS has it: <c>GET /login?user=…&amp;org=…&amp;tenant=…</c> signs the
/// browser in with the contract's claims, and every later request (the hub's WebSocket handshake included) carries the
/// cookie. What cross-site WebSocket hijacking rides on.
/// </summary>
public static class CookieLogin
{
    public const string Path = "/login";

    /// <summary>A node with cookie authentication instead of JWT, and the login endpoint.</summary>
    public static RealtimeNodeOptions Configure(RealtimeNodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var services = options.Services;
        var app = options.App;
        options.UseJwtAuthentication = false;
        options.Services = s =>
        {
            s.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
            services?.Invoke(s);
        };
        options.App = a =>
        {
            a.MapGet(Path, async (HttpContext context, string user, string org, string tenant) =>
            {
                Claim[] claims = [new("sub", user), new("org_id", org), new("tenant_id", tenant), new("role", TenantRoles.Member)];
                await context.SignInAsync(new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme)));
                return Results.Ok("signed in");
            });
            app?.Invoke(a);
        };
        return options;
    }

    /// <summary>Signs in as <paramref name="user"/> and returns the cookies a browser would now hold for the node.</summary>
    public static async Task<CookieContainer> SignInAsync(RealtimeNode node, TestUser user)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(user);
        var cookies = new CookieContainer();
        using var handler = new HttpClientHandler { CookieContainer = cookies };
        using var http = new HttpClient(handler) { BaseAddress = node.BaseAddress };
        using var response = await http.GetAsync(new Uri($"{Path}?user={user.UserId}&org={user.OrganizationId}&tenant={user.TenantId}", UriKind.Relative)).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return cookies;
    }
}
