using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SampleHost.Api;
using TenantRealtime;

namespace SampleHost.Realtime;

/// <summary><c>POST /api/websocket/broadcast</c>: who to send to, and what.</summary>
internal sealed record BroadcastDraft(
    BroadcastScope Scope, Optional<string> OrganizationId, string? TenantId, string? UserId, string Event, string Type, JsonNode? Data);

internal static partial class BroadcastInput
{
    private static readonly Dictionary<string, BroadcastScope> Scopes = new(StringComparer.Ordinal)
    {
        ["all"] = BroadcastScope.All,
        ["organization"] = BroadcastScope.Organization,
        ["tenant"] = BroadcastScope.Tenant,
        ["user"] = BroadcastScope.User,
    };

    public static BroadcastDraft? Read(JsonObject body, FieldErrors errors)
    {
        var fields = new BodyFields(body, errors);
        var scopeName = fields.String("scope", required: true, maxLength: 16);
        var scope = BroadcastScope.All;
        if (scopeName is not null && !Scopes.TryGetValue(scopeName, out scope))
        {
            errors.Add("scope", "'scope' must be one of all, organization, tenant, user.");
        }

        // A null or malformed organizationId is a field error (Id), never an empty id handed to the broadcaster.
        var organizationId = fields.Id("organizationId") is { } named ? Optional<string>.Of(named) : Optional<string>.Unset;
        var tenantId = fields.Id("tenantId");
        var userId = fields.Id("userId");
        var eventName = fields.String("event", required: true, maxLength: 64);
        if (eventName is not null && !EventPattern().IsMatch(eventName))
        {
            errors.Add("event", "'event' must match ^[a-z][a-z0-9-]{0,63}$.");
        }

        var type = fields.String("type", required: true, maxLength: 64);
        var data = fields.Raw("data")?.DeepClone();
        return errors.Any ? null : new BroadcastDraft(scope, organizationId, tenantId, userId, eventName!, type!, data);
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex EventPattern();
}
