using System.Runtime.Serialization;

namespace TenantRealtime.TestHost;

/// <summary>
/// What the TypeScript client's tests (clients/typescript/test) broadcast: a typed payload that reads the same
/// under the JSON and the MessagePack hub protocols.
/// </summary>
internal static class JsClientEndpoints
{
    public static void MapJsClientEndpoints(this WebApplication app)
    {
        // 200 with the receipt (room, seq, epoch) once numbered and sent; 202 when accepted without a seq.
        app.MapPost("/tenants/{organizationId}/{tenantId}/items", async (string organizationId, string tenantId, ItemBroadcast body, ITenantBroadcaster broadcaster) =>
        {
            var receipt = await broadcaster.BroadcastToTenantAsync(organizationId, tenantId, body.Event, body.Type, body.Item);
            return receipt.Seq is null ? Results.Accepted(uri: null, receipt) : Results.Ok(receipt);
        });

        // Keyed state of a tenant room: set a key to a TestItem, remove it, or read the whole map.
        app.MapPut("/tenants/{organizationId}/{tenantId}/state/{key}", async (string organizationId, string tenantId, string key, TestItem item, ITenantState state) =>
        {
            await state.SetAsync(StateRoom.Tenant(organizationId, tenantId), key, item);
            return Results.NoContent();
        });
        app.MapDelete("/tenants/{organizationId}/{tenantId}/state/{key}", async (string organizationId, string tenantId, string key, ITenantState state) =>
        {
            await state.RemoveAsync(StateRoom.Tenant(organizationId, tenantId), key);
            return Results.NoContent();
        });
        app.MapGet("/tenants/{organizationId}/{tenantId}/state", async (string organizationId, string tenantId, ITenantState state) =>
            Results.Ok(await state.GetAsync(StateRoom.Tenant(organizationId, tenantId))));

        // Topics: broadcasts to a tenant's topic and its keyed state, as the tenant's above.
        app.MapPost("/topics/{organizationId}/{tenantId}/{name}/items", async (string organizationId, string tenantId, string name, ItemBroadcast body, ITenantBroadcaster broadcaster) =>
        {
            var receipt = await broadcaster.BroadcastToTopicAsync(Topic.InTenant(organizationId, tenantId, name), body.Event, body.Type, body.Item);
            return receipt.Seq is null ? Results.Accepted(uri: null, receipt) : Results.Ok(receipt);
        });
        app.MapPut("/topics/{organizationId}/{tenantId}/{name}/state/{key}", async (string organizationId, string tenantId, string name, string key, TestItem item, ITenantState state) =>
        {
            await state.SetAsync(StateRoom.OfTopic(Topic.InTenant(organizationId, tenantId, name)), key, item);
            return Results.NoContent();
        });
        app.MapDelete("/topics/{organizationId}/{tenantId}/{name}/state/{key}", async (string organizationId, string tenantId, string name, string key, ITenantState state) =>
        {
            await state.RemoveAsync(StateRoom.OfTopic(Topic.InTenant(organizationId, tenantId, name)), key);
            return Results.NoContent();
        });
        app.MapGet("/topics/{organizationId}/{tenantId}/{name}/state", async (string organizationId, string tenantId, string name, ITenantState state) =>
            Results.Ok(await state.GetAsync(StateRoom.OfTopic(Topic.InTenant(organizationId, tenantId, name)))));

        // Test only: the app now refuses a topic name (TopicRefusals); a refresh of the user's rooms then takes it away.
        app.MapPost("/topics/refuse/{name}", (string name, TopicRefusals refusals) =>
        {
            refusals.Refuse(name);
            return Results.NoContent();
        });
        app.MapPost("/organizations/{organizationId}/users/{userId}/refresh", async (string organizationId, string userId, ITenantConnectionManager connections) =>
        {
            await connections.RefreshUserRoomsAsync(organizationId, userId);
            return Results.NoContent();
        });
    }
}

/// <summary>A broadcast request: the event, its <c>type</c> and the item sent as its <c>data</c>.</summary>
public sealed record ItemBroadcast(string Event, string Type, TestItem Item);

/// <summary>
/// The payload; camelCase under MessagePack too (its contractless resolver would keep the C# names), and public, as
/// MessagePack's resolver serializes public types only.
/// </summary>
[DataContract]
public sealed record TestItem(
    [property: DataMember(Name = "id")] string Id,
    [property: DataMember(Name = "name")] string Name,
    [property: DataMember(Name = "count")] int Count);
