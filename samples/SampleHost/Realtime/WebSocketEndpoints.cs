using System.Globalization;
using SampleHost.Api;
using SampleHost.Auth;
using TenantRealtime;

namespace SampleHost.Realtime;

/// <summary><c>/api/websocket</c>: connection counts and ad-hoc broadcasts, scoped by the caller's role.</summary>
internal static class WebSocketEndpoints
{
    public static void MapWebSocketEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/websocket").WithTags("Realtime");
        group.MapGet("/info", InfoAsync).WithSummary("Live connections per organization and tenant.").Produces<ConnectionSnapshot>();
        group.MapPost("/broadcast", BroadcastAsync).WithSummary("Sends an event to a scope (admins: their organization; platform admins: any).")
            .Accepts<BroadcastBody>("application/json").Produces<BroadcastResponse>(StatusCodes.Status202Accepted).ProducesValidationProblem();
    }

    private static async Task<IResult> InfoAsync(Caller caller, IConnectionRegistry registry, string? organizationId, CancellationToken cancellationToken)
    {
        if (organizationId is not null && !TenantIds.IsValid(organizationId))
        {
            return Problems.Validation("organizationId", IdRules.Message("organizationId"));
        }

        // Members and admins see their organization only; a platform admin sees all, or the one it names.
        if (!caller.IsPlatformAdmin && organizationId is not null && organizationId != caller.OrganizationId)
        {
            return Problems.ForeignOrganization();
        }

        var scope = caller.IsPlatformAdmin ? organizationId : caller.OrganizationId;
        return TypedResults.Ok(await registry.GetSnapshotAsync(scope, cancellationToken));
    }

    private static async Task<IResult> BroadcastAsync(Caller caller, HttpRequest request, ITenantBroadcaster broadcaster, CancellationToken cancellationToken)
    {
        if (!caller.IsAdmin)
        {
            return Problems.Forbidden("Only admins may broadcast.");
        }

        // Read without RequestReader: a platform admin may name another organization here.
        var (body, error) = await JsonBody.ReadObjectAsync(request, cancellationToken);
        if (body is null)
        {
            return error!;
        }

        var errors = new FieldErrors();
        var draft = BroadcastInput.Read(body, errors);
        if (draft is null)
        {
            return errors.ToResult();
        }

        var organizationId = draft.OrganizationId.Or(caller.OrganizationId);
        if (!caller.IsPlatformAdmin && (draft.Scope == BroadcastScope.All || organizationId != caller.OrganizationId))
        {
            return Problems.Forbidden("Admins may broadcast within their own organization only.");
        }

        var tenantId = draft.TenantId ?? caller.TenantId;
        var userId = draft.UserId ?? caller.UserId;
        if (draft.Scope == BroadcastScope.Tenant && tenantId is null)
        {
            return Problems.Validation("tenantId", "'tenantId' is required for a tenant broadcast.");
        }

        var receipt = draft.Scope switch
        {
            BroadcastScope.All => await broadcaster.BroadcastToAllAsync(draft.Event, draft.Type, draft.Data, cancellationToken),
            BroadcastScope.Organization => await broadcaster.BroadcastToOrganizationAsync(organizationId, draft.Event, draft.Type, draft.Data, cancellationToken),
            BroadcastScope.Tenant => await broadcaster.BroadcastToTenantAsync(organizationId, tenantId!, draft.Event, draft.Type, draft.Data, cancellationToken),
            _ => await broadcaster.BroadcastToUserAsync(organizationId, userId, draft.Event, draft.Type, draft.Data, cancellationToken),
        };
        return TypedResults.Accepted((string?)null, BroadcastResponse.From(receipt));
    }
}

/// <summary>The 202 body: what was sent, to whom, and when.</summary>
internal sealed record BroadcastResponse(string Scope, string? OrganizationId, string? TenantId, string? UserId, string Event, string Timestamp)
{
    public static BroadcastResponse From(BroadcastReceipt receipt) => new(
        receipt.Scope.ToString().ToLowerInvariant(),
        receipt.OrganizationId,
        receipt.TenantId,
        receipt.UserId,
        receipt.EventName,
        receipt.Timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
}

/// <summary>The broadcast body, for the OpenAPI document.</summary>
internal sealed record BroadcastBody(string Scope, string? OrganizationId, string? TenantId, string? UserId, string Event, string Type, object? Data);
