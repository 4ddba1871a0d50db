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

        AddTopicPrefixErrors(builder, options);
        return builder.Build();
    }

    /// <summary>The ranges of the server-wide options, per prefix; a prefix must be the start of a topic name.</summary>
    private static void AddTopicPrefixErrors(ValidateOptionsResultBuilder builder, TenantRealtimeOptions options)
    {
        const string property = nameof(TenantRealtimeOptions.TopicPrefixes);
        foreach (var (prefix, bounds) in options.TopicPrefixes)
        {
            // A prefix may end in ':' (a namespace) though a whole name may not: check it as the name it starts.
            if (!TopicNames.IsValid(prefix.EndsWith(':') ? prefix + "x" : prefix, options.MaxTopicNameLength + 1))
            {
                builder.AddError($"the topic prefix '{prefix}' must be 1 to {options.MaxTopicNameLength} characters of [A-Za-z0-9_.-] in segments joined by single ':'.", property);
                continue;
            }

            if (bounds is null)
            {
                builder.AddError($"the topic prefix '{prefix}' has no options.", property);
                continue;
            }

            Check(bounds.HistoryMaxMessages, 1, 1_000_000, nameof(TopicPrefixOptions.HistoryMaxMessages));
            Check(bounds.MaxStateKeysPerRoom, 1, 100_000, nameof(TopicPrefixOptions.MaxStateKeysPerRoom));
            Check(bounds.MaxStateValueBytes, 1, 16 * 1024 * 1024, nameof(TopicPrefixOptions.MaxStateValueBytes));
            Check(bounds.StateUpdatesPerSecondPerKey, 1, 1_000, nameof(TopicPrefixOptions.StateUpdatesPerSecondPerKey));
            if (bounds.HistoryMaxAge is { } age && (age < TimeSpan.FromSeconds(1) || age > TimeSpan.FromDays(1)))
            {
                builder.AddError($"HistoryMaxAge of the topic prefix '{prefix}' must be between 1 second and 1 day.", property);
            }

            void Check(int? value, int min, int max, string name)
            {
                if (value is { } set && (set < min || set > max))
                {
                    builder.AddError($"{name} of the topic prefix '{prefix}' must be between {min} and {max}.", property);
                }
            }
        }
    }

    private static void AddRoleSetErrors(ValidateOptionsResultBuilder builder, ISet<string> roles, string property)
    {
        if (roles.Any(string.IsNullOrWhiteSpace))
        {
            builder.AddError("role names must not be empty.", property);
        }
    }
}
