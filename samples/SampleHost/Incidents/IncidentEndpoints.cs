using SampleHost.Api;
using SampleHost.Auth;
using SampleHost.Storage;

namespace SampleHost.Incidents;

/// <summary><c>/api/incidents</c>: thin HTTP handlers over <see cref="IncidentCommands"/>.</summary>
internal static class IncidentEndpoints
{
    /// <summary>Creating an incident and posting an update both answer 201 with the whole incident.</summary>
    private static readonly Func<Incident, IResult> Created = ResourceHandlers.CreatedUnder<Incident>("/api/incidents");

    public static void MapIncidentEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/incidents").WithTags("Incidents");
        group.MapGet("/", List).WithSummary("Lists incidents, newest first (state: unresolved, resolved or all).")
            .Produces<Incident[]>().ProducesValidationProblem();
        group.MapPost("/", CreateAsync).WithSummary("Opens an incident; 'message' becomes its first update.")
            .Accepts<IncidentBody>("application/json").Produces<Incident>(StatusCodes.Status201Created).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id}", Get).WithSummary("Gets one incident with its updates.").Produces<Incident>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPatch("/{id}", PatchAsync).WithSummary("Changes an incident's name, status or impact (JSON merge patch).")
            .Accepts<IncidentPatchBody>("application/json", "application/merge-patch+json").Produces<Incident>().ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/{id}", DeleteAsync).WithSummary("Deletes an incident.").Produces(StatusCodes.Status204NoContent);
        group.MapPost("/{id}/updates", AddUpdateAsync).WithSummary("Posts an update; it may change the status and move services.")
            .Accepts<IncidentUpdateBody>("application/json").Produces<Incident>(StatusCodes.Status201Created).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static IResult List(Caller caller, OrganizationStore<Incident> incidents, string? state, string? organizationId)
    {
        var (visible, error) = ResourceHandlers.Visible(caller, incidents, organizationId);
        if (visible is null)
        {
            return error!;
        }

        Func<Incident, bool>? filter = (state ?? "all") switch
        {
            "all" => _ => true,
            "unresolved" => i => i.IsOpen,
            "resolved" => i => !i.IsOpen,
            _ => null,
        };
        if (filter is null)
        {
            return Problems.Validation("state", "'state' must be one of unresolved, resolved, all.");
        }

        return TypedResults.Ok(visible
            .Where(filter)
            .OrderByDescending(i => i.CreatedAt)
            .ThenBy(i => i.Id, StringComparer.Ordinal)
            .ToList());
    }

    private static IResult Get(Caller caller, OrganizationStore<Incident> incidents, string id) =>
        ResourceHandlers.Get(caller, incidents, "incident", id);

    private static Task<IResult> CreateAsync(Caller caller, HttpRequest request, IncidentCommands commands, CancellationToken cancellationToken) =>
        ResourceHandlers.WriteAsync(
            caller, request, routeId: null, IncidentInput.ReadDraft, draft => commands.CreateAsync(caller, draft, cancellationToken), Created, cancellationToken);

    private static Task<IResult> AddUpdateAsync(Caller caller, string id, HttpRequest request, IncidentCommands commands, CancellationToken cancellationToken) =>
        ResourceHandlers.WriteAsync(
            caller, request, id, IncidentInput.ReadUpdate, update => commands.AddUpdateAsync(caller, id, update, cancellationToken), Created, cancellationToken);

    private static Task<IResult> PatchAsync(Caller caller, string id, HttpRequest request, IncidentCommands commands, CancellationToken cancellationToken) =>
        ResourceHandlers.WriteAsync(
            caller, request, id, IncidentInput.ReadPatch, patch => commands.PatchAsync(caller, id, patch, cancellationToken), TypedResults.Ok, cancellationToken);

    private static Task<IResult> DeleteAsync(Caller caller, string id, IncidentCommands commands, CancellationToken cancellationToken) =>
        ResourceHandlers.DeleteAsync(id, () => commands.DeleteAsync(caller, id, cancellationToken));
}
