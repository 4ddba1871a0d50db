using SampleHost.Api;
using SampleHost.Auth;
using SampleHost.Storage;

namespace SampleHost.Services;

/// <summary><c>/api/services</c>: thin HTTP handlers over <see cref="ServiceCommands"/>.</summary>
internal static class ServiceEndpoints
{
    private static readonly Func<Service, IResult> Created = ResourceHandlers.CreatedUnder<Service>("/api/services");

    public static void MapServiceEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/services").WithTags("Services");
        group.MapGet("/", List).WithSummary("Lists the services the caller may read.").Produces<Service[]>();
        group.MapPost("/", CreateAsync).WithSummary("Creates a service.")
            .Accepts<ServiceBody>("application/json").Produces<Service>(StatusCodes.Status201Created).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id}", Get).WithSummary("Gets one service.").Produces<Service>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{id}", ReplaceAsync).WithSummary("Replaces a service.")
            .Accepts<ServiceBody>("application/json").Produces<Service>().ProducesValidationProblem();
        group.MapPatch("/{id}", PatchAsync).WithSummary("Merges changes into a service (JSON merge patch).")
            .Accepts<ServiceBody>("application/json", "application/merge-patch+json").Produces<Service>().ProducesValidationProblem();
        group.MapDelete("/{id}", DeleteAsync).WithSummary("Deletes a service.").Produces(StatusCodes.Status204NoContent);
    }

    private static IResult List(Caller caller, OrganizationStore<Service> services, string? organizationId)
    {
        var (visible, error) = ResourceHandlers.Visible(caller, services, organizationId);
        return visible is null ? error! : TypedResults.Ok(ServiceOrder.Sort(visible).ToList());
    }

    private static IResult Get(Caller caller, OrganizationStore<Service> services, string id) =>
        ResourceHandlers.Get(caller, services, "service", id);

    private static Task<IResult> CreateAsync(Caller caller, HttpRequest request, ServiceCommands commands, CancellationToken cancellationToken) =>
        ResourceHandlers.WriteAsync(
            caller, request, routeId: null, ServiceInput.ReadDraft, draft => commands.CreateAsync(caller, draft, cancellationToken), Created, cancellationToken);

    private static Task<IResult> ReplaceAsync(Caller caller, string id, HttpRequest request, ServiceCommands commands, CancellationToken cancellationToken) =>
        ResourceHandlers.WriteAsync(
            caller, request, id, ServiceInput.ReadDraft, draft => commands.ReplaceAsync(caller, id, draft, cancellationToken), TypedResults.Ok, cancellationToken);

    private static Task<IResult> PatchAsync(Caller caller, string id, HttpRequest request, ServiceCommands commands, CancellationToken cancellationToken) =>
        ResourceHandlers.WriteAsync(
            caller, request, id, ServiceInput.ReadPatch, patch => commands.PatchAsync(caller, id, patch, cancellationToken), TypedResults.Ok, cancellationToken);

    private static Task<IResult> DeleteAsync(Caller caller, string id, ServiceCommands commands, CancellationToken cancellationToken) =>
        ResourceHandlers.DeleteAsync(id, () => commands.DeleteAsync(caller, id, cancellationToken));
}

/// <summary>The service body, for the OpenAPI document (bodies are read by hand; see <see cref="JsonBody"/>).</summary>
internal sealed record ServiceBody(string Name, string? Description, string? Group, int? Position, ServiceStatus? Status, string? TenantId);
