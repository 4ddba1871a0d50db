using SampleHost.Api;
using SampleHost.Auth;
using SampleHost.Incidents;
using SampleHost.Services;

namespace SampleHost.Storage;

/// <summary>
/// The contract's write rules, for every resource the commands change, so services and incidents answer alike:
/// a resource the caller may not read is a 404 like a missing one (its existence is not revealed), one it may
/// read but not write a 403 saying why, and <c>tenantId</c> cannot change after creation.
/// </summary>
internal static class WriteRules
{
    /// <summary>A 403 if the caller may not create a resource of <paramref name="tenantId"/> (<see langword="null"/>: org-wide).</summary>
    public static Outcome<T>? CheckCreate<T>(Caller caller, string? tenantId)
        where T : class =>
        caller.CanWrite(caller.OrganizationId, tenantId) ? null : Outcome<T>.Forbidden(Denied(caller, tenantId));

    /// <summary>The resource the caller may change, or the 404 or 403 it gets instead. Called inside the organization's gate.</summary>
    public static Outcome<T> FindWritable<T>(OrganizationStore<T> store, Caller caller, string resource, string id)
        where T : class, IOrganizationResource
    {
        var current = store.Find(caller.OrganizationId, id);
        return current is null || !caller.CanRead(current.OrganizationId, current.TenantId) ? Outcome<T>.NotFound(resource, id)
            : !caller.CanWrite(current.OrganizationId, current.TenantId) ? Outcome<T>.Forbidden(Denied(caller, current.TenantId))
            : Outcome<T>.Ok(current);
    }

    /// <summary>A 400 if a body moves <paramref name="current"/> to another tenant; naming its own tenant is harmless.</summary>
    public static Outcome<T>? CheckTenantUnchanged<T>(T current, Optional<string?> tenantId)
        where T : class, IOrganizationResource
    {
        if (!tenantId.IsSet || tenantId.Value == current.TenantId)
        {
            return null;
        }

        var errors = new FieldErrors();
        errors.Add("tenantId", "'tenantId' cannot change after creation.");
        return Outcome<T>.Invalid(errors);
    }

    /// <summary>
    /// A 409 if one more service or open incident would take the scope's state room (<see cref="Realtime.StatePublisher"/>:
    /// its services, its open incidents and its summary) past <paramref name="maxKeys"/> (<c>MaxStateKeysPerRoom</c>).
    /// Checked inside the organization's gate before anything is saved: past the bound the library refuses the key,
    /// which would fail the request after the write was stored.
    /// </summary>
    public static Outcome<T>? CheckRoomHasPlace<T>(
        OrganizationStore<Service> services, OrganizationStore<Incident> incidents, int maxKeys, string organizationId, string? tenantId)
        where T : class
    {
        // The summary counts whether it is set yet or not: the scope's first resource sets it.
        var held = services.List(organizationId).Count(s => s.TenantId == tenantId)
            + incidents.List(organizationId).Count(i => i.TenantId == tenantId && i.IsOpen)
            + 1;
        if (held < maxKeys)
        {
            return null;
        }

        var scope = tenantId is null ? "The organization-wide scope" : $"Tenant '{tenantId}'";
        return Outcome<T>.LimitExceeded(
            $"{scope} holds at most {maxKeys - 1} services and open incidents together (its status page state holds {maxKeys} keys with its summary); delete a service or resolve an incident first.");
    }

    private static string Denied(Caller caller, string? tenantId) => tenantId is null
        ? "Only an organization admin may change organization-wide resources."
        : caller.TenantId is null
            ? "Your token has no tenant, so you may not change tenant resources."
            : $"Members may only change resources of their own tenant ('{caller.TenantId}').";
}
