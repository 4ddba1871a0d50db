using System.Text.Json.Nodes;
using SampleHost.Auth;

namespace SampleHost.Api;

/// <summary>The common first steps of every write: parse JSON, refuse a foreign organization, read typed fields.</summary>
internal static class RequestReader
{
    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(
        Caller caller, HttpRequest request, Func<JsonObject, FieldErrors, T?> read, CancellationToken cancellationToken)
        where T : class
    {
        var (body, error) = await JsonBody.ReadObjectAsync(request, cancellationToken);
        if (body is null)
        {
            return (null, error);
        }

        // The organization comes from the token; naming another one is a 403, naming one's own is harmless. A null or
        // malformed one names no organization at all: a 400 on the field, whatever the caller's role.
        var errors = new FieldErrors();
        if (new BodyFields(body, errors).Id("organizationId") is { } named && named != caller.OrganizationId)
        {
            return (null, Problems.ForeignOrganization());
        }

        if (errors.Any)
        {
            return (null, errors.ToResult());
        }

        var value = read(body, errors);
        return value is null ? (null, errors.ToResult()) : (value, null);
    }
}
