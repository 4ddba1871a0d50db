using SampleHost.Api;
using SampleHost.Auth;
using SampleHost.Storage;

namespace SampleHost.Services;

/// <summary><c>/api/services</c>: thin HTTP handlers over <see cref="ServiceCommands"/>.</summary>
internal static class ServiceEndpoints
{
    public static void MapServiceEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/services").WithTags("Services");
        group.MapGet("/", List).WithSummary("Lists the services the caller may read.").Produces<Service[]>();
        group.MapPost("/", CreateAsync).WithSummary("Creates a service.")
            .Accepts<ServiceBody>("application/json").Produces<Service>(StatusCodes.Status201Created).ProducesValidationProblem();
        group.MapGet("/{id}", Get).WithSummary("Gets one service.").Produces<Service>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{id}", ReplaceAsync).WithSummary("Replaces a service.")
            .Accepts<ServiceBody>("application/json").Produces<Service>().ProducesValidationProblem();
        group.MapPatch("/{id}", PatchAsync).WithSummary("Merges changes into a service (JSON merge patch).")
            .Accepts<ServiceBody>("application/json", "application/merge-patch+json").Produces<Service>().ProducesValidationProblem();
        group.MapDelete("/{id}", DeleteAsync).WithSummary("Deletes a service.").Produces(StatusCodes.Status204NoContent);
    }

    private static IResult List(Caller caller, OrganizationStore<Service> services, string? organizationId)
    {
        if (organizationId is not null && organizationId != caller.OrganizationId)
        {
            return Problems.ForeignOrganization();
        }

        var visible = services.List(caller.OrganizationId).Where(s => caller.CanRead(s.OrganizationId, s.TenantId));
        return TypedResults.Ok(ServiceOrder.Sort(visible).ToList());
    }

    private static IResult Get(Caller caller, OrganizationStore<Service> services, string id)
    {
        if (IdRules.CheckRoute(id) is { } invalid)
        {
            return invalid;
        }

        var service = services.Find(caller.OrganizationId, id);
        return service is not null && caller.CanRead(service.OrganizationId, service.TenantId)
            ? TypedResults.Ok(service)
            : Problems.NotFound("service", id);
    }

    private static async Task<IResult> CreateAsync(Caller caller, HttpRequest request, ServiceCommands commands, CancellationToken cancellationToken)
    {
        var (draft, error) = await RequestReader.ReadAsync<ServiceDraft>(caller, request, ServiceInput.ReadDraft, cancellationToken);
        if (draft is null)
        {
            return error!;
        }

        var outcome = await commands.CreateAsync(caller, draft, cancellationToken);
        return outcome.ToResult(s => TypedResults.Created($"/api/services/{s.Id}", s));
    }

    private static async Task<IResult> ReplaceAsync(Caller caller, string id, HttpRequest request, ServiceCommands commands, CancellationToken cancellationToken)
    {
        var (draft, error) = IdRules.CheckRoute(id) is { } invalid ? (null, invalid) : await RequestReader.ReadAsync<ServiceDraft>(caller, request, ServiceInput.ReadDraft, cancellationToken);
        if (draft is null)
        {
            return error!;
        }

        var outcome = await commands.ReplaceAsync(caller, id, draft, cancellationToken);
        return outcome.ToResult(TypedResults.Ok);
    }

    private static async Task<IResult> PatchAsync(Caller caller, string id, HttpRequest request, ServiceCommands commands, CancellationToken cancellationToken)
    {
        var (patch, error) = IdRules.CheckRoute(id) is { } invalid ? (null, invalid) : await RequestReader.ReadAsync<ServicePatch>(caller, request, ServiceInput.ReadPatch, cancellationToken);
        if (patch is null)
        {
            return error!;
        }

        var outcome = await commands.PatchAsync(caller, id, patch, cancellationToken);
        return outcome.ToResult(TypedResults.Ok);
    }

    private static async Task<IResult> DeleteAsync(Caller caller, string id, ServiceCommands commands, CancellationToken cancellationToken)
    {
        if (IdRules.CheckRoute(id) is { } invalid)
        {
            return invalid;
        }

        var outcome = await commands.DeleteAsync(caller, id, cancellationToken);
        return outcome.ToResult(_ => TypedResults.NoContent());
    }
}

/// <summary>The service body, for the OpenAPI document (bodies are read by hand; see <see cref="JsonBody"/>).</summary>
internal sealed record ServiceBody(string Name, string? Description, string? Group, int? Position, ServiceStatus? Status, string? TenantId);
