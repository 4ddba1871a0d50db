namespace SampleHost.Api;

/// <summary>The RFC 7807 responses the API returns; the details never reveal whether another tenant's resource exists.</summary>
internal static class Problems
{
    public static IResult Validation(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    public static IResult NotFound(string resource, string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"There is no {resource} '{id}' that you can see.");

    public static IResult Forbidden(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, detail: detail);

    public static IResult ForeignOrganization() =>
        Forbidden("The request names another organization; your organization comes from your token.");
}
