namespace TenantRealtime.TestHost;

internal static class TestEndpoints
{
    /// <summary>The event every endpoint broadcasts, with <c>type</c> "created" and the marker as its data.</summary>
    public const string EventName = "news";

    public static void MapTestEndpoints(this WebApplication app)
    {
        app.MapGet("/", () => "ok");

        // Lets the ceiling test prove the connections the server holds are still served once it refuses new ones.
        app.MapPost("/broadcast/{marker}", async (string marker, ITenantBroadcaster broadcaster) =>
        {
            await broadcaster.BroadcastToAllAsync(EventName, "created", marker);
            return Results.Accepted();
        });

        // 200 with the receipt when the broadcast was numbered (it has a seq) and sent; 202 when it was accepted
        // without a seq (with Redis: waiting in the outbox, sent when Redis answers).
        app.MapPost("/tenants/{organizationId}/{tenantId}/broadcast/{marker}", async (string organizationId, string tenantId, string marker, ITenantBroadcaster broadcaster) =>
        {
            var receipt = await broadcaster.BroadcastToTenantAsync(organizationId, tenantId, EventName, "created", marker);
            return receipt.Seq is null ? Results.Accepted(uri: null, receipt) : Results.Ok(receipt);
        });

        app.MapGet("/outbox", (OutboxGauge gauge) => Results.Ok(new { size = gauge.Read() }));

        // Revocation as an app issues it, for the JS tests of the closes it causes.
        app.MapPost("/organizations/{organizationId}/users/{userId}/disconnect", async (string organizationId, string userId, ITenantConnectionManager connections) =>
        {
            await connections.DisconnectUserAsync(organizationId, userId);
            return Results.NoContent();
        });
        app.MapPost("/organizations/{organizationId}/tenants/{tenantId}/disconnect", async (string organizationId, string tenantId, ITenantConnectionManager connections) =>
        {
            await connections.DisconnectTenantAsync(organizationId, tenantId);
            return Results.NoContent();
        });

        // The user's role changed in the app's database: its live connections are refreshed (and, their identity changed, closed).
        app.MapPost("/organizations/{organizationId}/users/{userId}/role/{role}", async (string organizationId, string userId, string role, RoleOverrides roles, ITenantConnectionManager connections) =>
        {
            roles.Set(organizationId, userId, role);
            await connections.RefreshUserRoomsAsync(organizationId, userId);
            return Results.NoContent();
        });
    }
}
