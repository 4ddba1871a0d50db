using Microsoft.Extensions.Options;

namespace TenantRealtime.Hosting.Internal;

/// <summary>The data-annotation checks, source-generated (no reflection at start-up).</summary>
[OptionsValidator]
internal sealed partial class TenantRealtimeOptionsAnnotationsValidator : IValidateOptions<TenantRealtimeOptions>;

/// <summary>The annotation checks plus the rules attributes cannot express.</summary>
internal sealed class TenantRealtimeOptionsValidator : IValidateOptions<TenantRealtimeOptions>
{
    private readonly TenantRealtimeOptionsAnnotationsValidator _annotations = new();

    public ValidateOptionsResult Validate(string? name, TenantRealtimeOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        builder.AddResult(_annotations.Validate(name, options));
        AddRoleSetErrors(builder, options.AdminRoles, nameof(TenantRealtimeOptions.AdminRoles));
        AddRoleSetErrors(builder, options.CrossOrganizationRoles, nameof(TenantRealtimeOptions.CrossOrganizationRoles));
        if (options.CrossOrganizationRoles.Any(role => !options.AdminRoles.Contains(role)))
        {
            // Joining another organization grants its org-admins room, so only admin roles may do it.
            builder.AddError("every role in CrossOrganizationRoles must also be in AdminRoles.", nameof(TenantRealtimeOptions.CrossOrganizationRoles));
        }

        foreach (var origin in options.AllowedOrigins)
        {
            if (origin == "*")
            {
                builder.AddError("'*' is not an origin: set AllowAnyOrigin to allow every origin.", nameof(TenantRealtimeOptions.AllowedOrigins));
            }
            else if (!Origins.TryNormalize(origin, out _))
            {
                builder.AddError($"'{origin}' is not an origin: write scheme://host[:port], for example https://app.example.com.", nameof(TenantRealtimeOptions.AllowedOrigins));
            }
        }

        if (options.PresenceDisplayNameClaimType is { } claim && string.IsNullOrWhiteSpace(claim))
        {
            builder.AddError("PresenceDisplayNameClaimType must name a claim (for example \"name\"), or be null for no display names.", nameof(TenantRealtimeOptions.PresenceDisplayNameClaimType));
        }

        if (!options.EnablePresence && options.ShareOrganizationPresenceWithMembers)
        {
            // Sharing what is not tracked would be a silent no-op; say so rather than let the app believe it works.
            builder.AddError("ShareOrganizationPresenceWithMembers needs EnablePresence: presence is off, so there is nothing to share.", nameof(TenantRealtimeOptions.ShareOrganizationPresenceWithMembers));
        }

        return builder.Build();
    }

    private static void AddRoleSetErrors(ValidateOptionsResultBuilder builder, ISet<string> roles, string property)
    {
        if (roles.Any(string.IsNullOrWhiteSpace))
        {
            builder.AddError("role names must not be empty.", property);
        }
    }
}
