using Microsoft.Extensions.Options;
using SampleHost.Api;
using SampleHost.Auth;
using SampleHost.Realtime;
using SampleHost.Services;
using SampleHost.Status;
using SampleHost.Storage;
using TenantRealtime;

namespace SampleHost.Incidents;

/// <summary>The incident lifecycle: create, post updates (which may move services), patch, delete; each change announced once.</summary>
internal sealed class IncidentCommands(
    OrganizationStore<Incident> incidents,
    OrganizationStore<Service> services,
    OrganizationGate gate,
    ChangePublisher publisher,
    IOptionsMonitor<TenantRealtimeOptions> realtime,
    TimeProvider time)
{
    private const string Resource = "incident";

    public async Task<Outcome<Incident>> CreateAsync(Caller caller, IncidentDraft draft, CancellationToken cancellationToken)
    {
        var tenantId = draft.TenantId.Or(caller.DefaultTenantId);
        if (WriteRules.CheckCreate<Incident>(caller, tenantId) is { } denied)
        {
            return denied;
        }

        using var _ = await gate.EnterAsync(caller.OrganizationId, cancellationToken);
        if (CheckServices(caller, draft.ServiceStatuses) is { } invalid)
        {
            return invalid;
        }

        // An incident created resolved is never in the state, so only an open one needs a place.
        if (draft.Status != IncidentStatus.Resolved && CheckRoomHasPlace(caller.OrganizationId, tenantId) is { } full)
        {
            return full;
        }

        var now = time.GetUtcNow();
        IReadOnlyList<IncidentUpdate> updates = draft.Message is null
            ? []
            : [new IncidentUpdate(IdRules.NewId("upd"), draft.Status, draft.Message, NullIfEmpty(draft.ServiceStatuses), now)];
        var incident = new Incident(
            IdRules.NewId("inc"),
            caller.OrganizationId,
            tenantId,
            draft.Name,
            draft.Status,
            draft.Impact ?? StatusRules.ImpactOf(draft.ServiceStatuses.Values),
            [.. draft.ServiceStatuses.Keys],
            now,
            now,
            draft.Status == IncidentStatus.Monitoring ? now : null,
            draft.Status == IncidentStatus.Resolved ? now : null,
            updates);
        var moved = MoveServices(caller.OrganizationId, draft.ServiceStatuses, now);
        incidents.Save(incident);
        await publisher.PublishAsync(new ChangeSet(caller.OrganizationId, moved, (ChangeTypes.Created, incident)));
        return Outcome<Incident>.Ok(incident);
    }

    public async Task<Outcome<Incident>> AddUpdateAsync(Caller caller, string id, IncidentUpdateDraft draft, CancellationToken cancellationToken)
    {
        using var _ = await gate.EnterAsync(caller.OrganizationId, cancellationToken);
        var found = WriteRules.FindWritable(incidents, caller, Resource, id);
        if (found.Value is not { } current)
        {
            return found;
        }

        if (CheckServices(caller, draft.ServiceStatuses) is { } invalid)
        {
            return invalid;
        }

        var now = time.GetUtcNow();
        var (next, targets, resolved) = IncidentProgress.Advance(current, draft.Status ?? current.Status, draft.ServiceStatuses, now);
        var update = new IncidentUpdate(IdRules.NewId("upd"), next.Status, draft.Body, NullIfEmpty(draft.ServiceStatuses), now);
        next = next with { Updates = [.. current.Updates, update] };
        return await SaveAsync(current, next, targets, resolved, now);
    }

    public async Task<Outcome<Incident>> PatchAsync(Caller caller, string id, IncidentPatch patch, CancellationToken cancellationToken)
    {
        using var _ = await gate.EnterAsync(caller.OrganizationId, cancellationToken);
        var found = WriteRules.FindWritable(incidents, caller, Resource, id);
        if (found.Value is not { } current)
        {
            return found;
        }

        if (WriteRules.CheckTenantUnchanged(current, patch.TenantId) is { } invalid)
        {
            return invalid;
        }

        var now = time.GetUtcNow();
        var noServices = new Dictionary<string, ServiceStatus>(StringComparer.Ordinal);
        var (next, targets, resolved) = IncidentProgress.Advance(current, patch.Status.Or(current.Status), noServices, now);
        next = next with { Name = patch.Name.Or(current.Name), Impact = patch.Impact.Or(current.Impact) };
        return await SaveAsync(current, next, targets, resolved, now);
    }

    public async Task<Outcome<Incident>> DeleteAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        using var _ = await gate.EnterAsync(caller.OrganizationId, cancellationToken);
        var found = WriteRules.FindWritable(incidents, caller, Resource, id);
        if (found.Value is { } current)
        {
            incidents.Remove(current.OrganizationId, current.Id);
            await publisher.PublishAsync(new ChangeSet(current.OrganizationId, [], (ChangeTypes.Deleted, current)));
        }

        return found;
    }

    private async Task<Outcome<Incident>> SaveAsync(
        Incident current, Incident next, Dictionary<string, ServiceStatus> targets, bool resolved, DateTimeOffset now)
    {
        // Reopening a resolved incident puts it back into the state, so it needs a place as a new one does.
        if (!current.IsOpen && next.IsOpen && CheckRoomHasPlace(next.OrganizationId, next.TenantId) is { } full)
        {
            return full;
        }

        var moved = MoveServices(next.OrganizationId, targets, now);
        incidents.Save(next);
        var type = resolved ? ChangeTypes.Resolved : ChangeTypes.Updated;
        await publisher.PublishAsync(new ChangeSet(next.OrganizationId, moved, (type, next)));
        return Outcome<Incident>.Ok(next);
    }

    private Outcome<Incident>? CheckRoomHasPlace(string organizationId, string? tenantId) =>
        WriteRules.CheckRoomHasPlace<Incident>(services, incidents, realtime.CurrentValue.MaxStateKeysPerRoom, organizationId, tenantId);

    /// <summary>Sets service statuses; only services whose status really changes are stored and announced.</summary>
    private List<(string Type, Service Service)> MoveServices(string organizationId, IReadOnlyDictionary<string, ServiceStatus> targets, DateTimeOffset now)
    {
        var moved = new List<(string, Service)>();
        foreach (var (serviceId, status) in targets)
        {
            // A service deleted since the incident began simply no longer moves.
            if (services.Find(organizationId, serviceId) is { } service && service.Status != status)
            {
                var updated = service with { Status = status, UpdatedAt = now };
                services.Save(updated);
                moved.Add((ChangeTypes.Updated, updated));
            }
        }

        return moved;
    }

    /// <summary>Every named service must be one the caller can read and write (400 otherwise, as the contract says).</summary>
    private Outcome<Incident>? CheckServices(Caller caller, IReadOnlyDictionary<string, ServiceStatus> named)
    {
        var errors = new FieldErrors();
        foreach (var serviceId in named.Keys)
        {
            var service = services.Find(caller.OrganizationId, serviceId);
            if (service is null || !caller.CanRead(service.OrganizationId, service.TenantId))
            {
                errors.Add($"serviceStatuses.{serviceId}", $"There is no service '{serviceId}' that you can see.");
            }
            else if (!caller.CanWrite(service.OrganizationId, service.TenantId))
            {
                errors.Add($"serviceStatuses.{serviceId}", $"You may not change service '{serviceId}'.");
            }
        }

        return errors.Any ? Outcome<Incident>.Invalid(errors) : null;
    }

    private static Dictionary<string, ServiceStatus>? NullIfEmpty(IReadOnlyDictionary<string, ServiceStatus> statuses) =>
        statuses.Count == 0 ? null : new Dictionary<string, ServiceStatus>(statuses, StringComparer.Ordinal);
}
