using SampleHost.Api;
using SampleHost.Auth;
using SampleHost.Storage;

namespace SampleHost.Incidents;

/// <summary><c>/api/incidents</c>: thin HTTP handlers over <see cref="IncidentCommands"/>.</summary>
internal static class IncidentEndpoints
{
    public static void MapIncidentEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/incidents").WithTags("Incidents");
        group.MapGet("/", List).WithSummary("Lists incidents, newest first (state: unresolved, resolved or all).")
            .Produces<Incident[]>().ProducesValidationProblem();
        group.MapPost("/", CreateAsync).WithSummary("Opens an incident; 'message' becomes its first update.")
            .Accepts<IncidentBody>("application/json").Produces<Incident>(StatusCodes.Status201Created).ProducesValidationProblem();
        group.MapGet("/{id}", Get).WithSummary("Gets one incident with its updates.").Produces<Incident>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPatch("/{id}", PatchAsync).WithSummary("Changes an incident's name, status or impact (JSON merge patch).")
            .Accepts<IncidentPatchBody>("application/json", "application/merge-patch+json").Produces<Incident>().ProducesValidationProblem();
        group.MapDelete("/{id}", DeleteAsync).WithSummary("Deletes an incident.").Produces(StatusCodes.Status204NoContent);
        group.MapPost("/{id}/updates", AddUpdateAsync).WithSummary("Posts an update; it may change the status and move services.")
            .Accepts<IncidentUpdateBody>("application/json").Produces<Incident>(StatusCodes.Status201Created).ProducesValidationProblem();
    }

    private static IResult List(Caller caller, OrganizationStore<Incident> incidents, string? state, string? organizationId)
    {
        if (organizationId is not null && organizationId != caller.OrganizationId)
        {
            return Problems.ForeignOrganization();
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

        return TypedResults.Ok(incidents.List(caller.OrganizationId)
            .Where(i => caller.CanRead(i.OrganizationId, i.TenantId) && filter(i))
            .OrderByDescending(i => i.CreatedAt)
            .ThenBy(i => i.Id, StringComparer.Ordinal)
            .ToList());
    }

    private static IResult Get(Caller caller, OrganizationStore<Incident> incidents, string id)
    {
        if (IdRules.CheckRoute(id) is { } invalid)
        {
            return invalid;
        }

        var incident = incidents.Find(caller.OrganizationId, id);
        return incident is not null && caller.CanRead(incident.OrganizationId, incident.TenantId)
            ? TypedResults.Ok(incident)
            : Problems.NotFound("incident", id);
    }

    private static async Task<IResult> CreateAsync(Caller caller, HttpRequest request, IncidentCommands commands, CancellationToken cancellationToken)
    {
        var (draft, error) = await RequestReader.ReadAsync<IncidentDraft>(caller, request, IncidentInput.ReadDraft, cancellationToken);
        if (draft is null)
        {
            return error!;
        }

        var outcome = await commands.CreateAsync(caller, draft, cancellationToken);
        return outcome.ToResult(i => TypedResults.Created($"/api/incidents/{i.Id}", i));
    }

    private static async Task<IResult> AddUpdateAsync(Caller caller, string id, HttpRequest request, IncidentCommands commands, CancellationToken cancellationToken)
    {
        var (draft, error) = IdRules.CheckRoute(id) is { } invalid
            ? (null, invalid)
            : await RequestReader.ReadAsync<IncidentUpdateDraft>(caller, request, IncidentInput.ReadUpdate, cancellationToken);
        if (draft is null)
        {
            return error!;
        }

        var outcome = await commands.AddUpdateAsync(caller, id, draft, cancellationToken);
        return outcome.ToResult(i => TypedResults.Created($"/api/incidents/{i.Id}", i));
    }

    private static async Task<IResult> PatchAsync(Caller caller, string id, HttpRequest request, IncidentCommands commands, CancellationToken cancellationToken)
    {
        var (patch, error) = IdRules.CheckRoute(id) is { } invalid
            ? (null, invalid)
            : await RequestReader.ReadAsync<IncidentPatch>(caller, request, IncidentInput.ReadPatch, cancellationToken);
        if (patch is null)
        {
            return error!;
        }

        var outcome = await commands.PatchAsync(caller, id, patch, cancellationToken);
        return outcome.ToResult(TypedResults.Ok);
    }

    private static async Task<IResult> DeleteAsync(Caller caller, string id, IncidentCommands commands, CancellationToken cancellationToken)
    {
        if (IdRules.CheckRoute(id) is { } invalid)
        {
            return invalid;
        }

        var outcome = await commands.DeleteAsync(caller, id, cancellationToken);
        return outcome.ToResult(_ => TypedResults.NoContent());
    }
}
