using System.Text.Json.Nodes;
using SampleHost.Auth;
using SampleHost.Storage;

namespace SampleHost.Api;

/// <summary>
/// The steps the services' and incidents' route handlers share, so both resources answer the contract's REST
/// rules alike and check in the same order: a malformed route id first (400, the body is not read), then the
/// body, then the command.
/// </summary>
internal static class ResourceHandlers
{
    /// <summary>
    /// The caller's readable resources; a 400 instead when the query's organization id is empty or malformed, a 403
    /// when it names another organization.
    /// </summary>
    public static (IEnumerable<T>? Items, IResult? Error) Visible<T>(Caller caller, OrganizationStore<T> store, string? organizationId)
        where T : class, IOrganizationResource =>
        organizationId is not null && IdRules.CheckRoute(organizationId, "organizationId") is { } invalid ? (null, invalid)
        : organizationId is not null && organizationId != caller.OrganizationId ? (null, Problems.ForeignOrganization())
        : (store.List(caller.OrganizationId).Where(r => caller.CanRead(r.OrganizationId, r.TenantId)), null);

    /// <summary>One resource; one the caller may not read is a 404 like a missing one, so its existence is not revealed.</summary>
    public static IResult Get<T>(Caller caller, OrganizationStore<T> store, string resource, string id)
        where T : class, IOrganizationResource
    {
        if (IdRules.CheckRoute(id) is { } invalid)
        {
            return invalid;
        }

        var item = store.Find(caller.OrganizationId, id);
        return item is not null && caller.CanRead(item.OrganizationId, item.TenantId)
            ? TypedResults.Ok(item)
            : Problems.NotFound(resource, id);
    }

    /// <summary>
    /// A write with a JSON body: the route id when there is one (<paramref name="routeId"/>), the body (see
    /// <see cref="RequestReader"/>), then <paramref name="command"/>, answered with <paramref name="ok"/> or its problem.
    /// </summary>
    public static async Task<IResult> WriteAsync<TInput, TResource>(
        Caller caller,
        HttpRequest request,
        string? routeId,
        Func<JsonObject, FieldErrors, TInput?> read,
        Func<TInput, Task<Outcome<TResource>>> command,
        Func<TResource, IResult> ok,
        CancellationToken cancellationToken)
        where TInput : class
        where TResource : class
    {
        var (input, error) = routeId is not null && IdRules.CheckRoute(routeId) is { } invalid
            ? (null, invalid)
            : await RequestReader.ReadAsync(caller, request, read, cancellationToken);
        if (input is null)
        {
            return error!;
        }

        var outcome = await command(input);
        return outcome.ToResult(ok);
    }

    /// <summary>A delete: the route id, then <paramref name="command"/>; 204 once done.</summary>
    public static async Task<IResult> DeleteAsync<TResource>(string id, Func<Task<Outcome<TResource>>> command)
        where TResource : class =>
        IdRules.CheckRoute(id) ?? (await command()).ToResult(_ => TypedResults.NoContent());

    /// <summary>201 with the new resource and its address under <paramref name="collection"/> (e.g. <c>/api/services</c>).</summary>
    public static Func<TResource, IResult> CreatedUnder<TResource>(string collection)
        where TResource : class, IOrganizationResource =>
        resource => TypedResults.Created($"{collection}/{resource.Id}", resource);
}
