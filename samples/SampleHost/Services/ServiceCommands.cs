using Microsoft.Extensions.Options;
using SampleHost.Api;
using SampleHost.Auth;
using SampleHost.Incidents;
using SampleHost.Realtime;
using SampleHost.Storage;
using TenantRealtime;

namespace SampleHost.Services;

/// <summary>Creates, changes and deletes services, then announces each change. Access (<see cref="WriteRules"/>) is checked inside the gate.</summary>
internal sealed class ServiceCommands(
    OrganizationStore<Service> services,
    OrganizationStore<Incident> incidents,
    OrganizationGate gate,
    ChangePublisher publisher,
    IOptionsMonitor<TenantRealtimeOptions> realtime,
    TimeProvider time)
{
    private const string Resource = "service";

    public async Task<Outcome<Service>> CreateAsync(Caller caller, ServiceDraft draft, CancellationToken cancellationToken)
    {
        var tenantId = draft.TenantId.Or(caller.DefaultTenantId);
        if (WriteRules.CheckCreate<Service>(caller, tenantId) is { } denied)
        {
            return denied;
        }

        using var _ = await gate.EnterAsync(caller.OrganizationId, cancellationToken);
        if (WriteRules.CheckRoomHasPlace<Service>(services, incidents, realtime.CurrentValue.MaxStateKeysPerRoom, caller.OrganizationId, tenantId) is { } full)
        {
            return full;
        }

        var position = draft.Position ?? NextPosition(caller.OrganizationId, draft.Group);
        var service = new Service(
            IdRules.NewId("svc"), caller.OrganizationId, tenantId, draft.Name, draft.Description, draft.Group, position, draft.Status, time.GetUtcNow());
        services.Save(service);
        await publisher.PublishAsync(ChangeSet.ForService(ChangeTypes.Created, service));
        return Outcome<Service>.Ok(service);
    }

    public Task<Outcome<Service>> ReplaceAsync(Caller caller, string id, ServiceDraft draft, CancellationToken cancellationToken) =>
        ChangeAsync(caller, id, draft.TenantId, current => current with
        {
            Name = draft.Name,
            Description = draft.Description,
            Group = draft.Group,
            Position = draft.Position ?? current.Position,
            Status = draft.Status,
        }, cancellationToken);

    public Task<Outcome<Service>> PatchAsync(Caller caller, string id, ServicePatch patch, CancellationToken cancellationToken) =>
        ChangeAsync(caller, id, patch.TenantId, current => current with
        {
            Name = patch.Name.Or(current.Name),
            Description = patch.Description.Or(current.Description),
            Group = patch.Group.Or(current.Group),
            Position = patch.Position.Or(current.Position),
            Status = patch.Status.Or(current.Status),
        }, cancellationToken);

    public async Task<Outcome<Service>> DeleteAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        using var _ = await gate.EnterAsync(caller.OrganizationId, cancellationToken);
        var found = WriteRules.FindWritable(services, caller, Resource, id);
        if (found.Value is { } current)
        {
            services.Remove(current.OrganizationId, current.Id);
            await publisher.PublishAsync(ChangeSet.ForService(ChangeTypes.Deleted, current));
        }

        return found;
    }

    private async Task<Outcome<Service>> ChangeAsync(
        Caller caller, string id, Optional<string?> tenantId, Func<Service, Service> change, CancellationToken cancellationToken)
    {
        using var _ = await gate.EnterAsync(caller.OrganizationId, cancellationToken);
        var found = WriteRules.FindWritable(services, caller, Resource, id);
        if (found.Value is not { } current)
        {
            return found;
        }

        if (WriteRules.CheckTenantUnchanged(current, tenantId) is { } invalid)
        {
            return invalid;
        }

        var updated = change(current) with { UpdatedAt = time.GetUtcNow() };
        services.Save(updated);
        await publisher.PublishAsync(ChangeSet.ForService(ChangeTypes.Updated, updated));
        return Outcome<Service>.Ok(updated);
    }

    private int NextPosition(string organizationId, string? group)
    {
        var siblings = services.List(organizationId).Where(s => s.Group == group).ToList();
        return siblings.Count == 0 ? 0 : siblings.Max(s => s.Position) + 1;
    }
}
