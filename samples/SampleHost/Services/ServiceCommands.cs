using SampleHost.Api;
using SampleHost.Auth;
using SampleHost.Realtime;
using SampleHost.Storage;

namespace SampleHost.Services;

/// <summary>Creates, changes and deletes services, then announces each change. Access is checked inside the gate.</summary>
internal sealed class ServiceCommands(OrganizationStore<Service> services, OrganizationGate gate, ChangePublisher publisher, TimeProvider time)
{
    private const string Resource = "service";

    public async Task<Outcome<Service>> CreateAsync(Caller caller, ServiceDraft draft, CancellationToken cancellationToken)
    {
        var tenantId = draft.TenantId.Or(caller.DefaultTenantId);
        if (!caller.CanWrite(caller.OrganizationId, tenantId))
        {
            return Outcome<Service>.Forbidden(WriteDenied(caller, tenantId));
        }

        using var _ = await gate.EnterAsync(caller.OrganizationId, cancellationToken);
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
        var current = services.Find(caller.OrganizationId, id);
        if (Deny(caller, current, id) is { } denied)
        {
            return denied;
        }

        services.Remove(current!.OrganizationId, current.Id);
        await publisher.PublishAsync(ChangeSet.ForService(ChangeTypes.Deleted, current));
        return Outcome<Service>.Ok(current);
    }

    private async Task<Outcome<Service>> ChangeAsync(
        Caller caller, string id, Optional<string?> tenantId, Func<Service, Service> change, CancellationToken cancellationToken)
    {
        using var _ = await gate.EnterAsync(caller.OrganizationId, cancellationToken);
        var current = services.Find(caller.OrganizationId, id);
        if (Deny(caller, current, id) is { } denied)
        {
            return denied;
        }

        if (tenantId.IsSet && tenantId.Value != current!.TenantId)
        {
            var errors = new FieldErrors();
            errors.Add("tenantId", "'tenantId' cannot change after creation.");
            return Outcome<Service>.Invalid(errors);
        }

        var updated = change(current!) with { UpdatedAt = time.GetUtcNow() };
        services.Save(updated);
        await publisher.PublishAsync(ChangeSet.ForService(ChangeTypes.Updated, updated));
        return Outcome<Service>.Ok(updated);
    }

    /// <summary>Another tenant's service is 404 (its existence is not revealed); a readable but unwritable one is 403.</summary>
    private static Outcome<Service>? Deny(Caller caller, Service? current, string id) =>
        current is null || !caller.CanRead(current.OrganizationId, current.TenantId) ? Outcome<Service>.NotFound(Resource, id)
        : !caller.CanWrite(current.OrganizationId, current.TenantId) ? Outcome<Service>.Forbidden(WriteDenied(caller, current.TenantId))
        : null;

    private int NextPosition(string organizationId, string? group)
    {
        var siblings = services.List(organizationId).Where(s => s.Group == group).ToList();
        return siblings.Count == 0 ? 0 : siblings.Max(s => s.Position) + 1;
    }

    internal static string WriteDenied(Caller caller, string? tenantId) => tenantId is null
        ? "Only an organization admin may change organization-wide resources."
        : caller.TenantId is null
            ? "Your token has no tenant, so you may not change tenant resources."
            : $"Members may only change resources of their own tenant ('{caller.TenantId}').";
}
