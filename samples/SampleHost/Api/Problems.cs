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

    /// <summary>
    /// A 409: the request is valid but the scope is full now (deleting or resolving frees a place), so it is a conflict
    /// with the current state, not a bad body (400). The detail starts with the library's code for the bound.
    /// </summary>
    public static IResult LimitExceeded(string sentence) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, detail: $"limit-exceeded: {sentence}");

    public static IResult ForeignOrganization() =>
        Forbidden("The request names another organization; your organization comes from your token.");
}
