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

        // The organization comes from the token; naming another one is a 403, naming one's own is harmless.
        if (body.ContainsKey("organizationId"))
        {
            var named = body["organizationId"]?.GetValueKind() == System.Text.Json.JsonValueKind.String
                ? body["organizationId"]!.GetValue<string>()
                : null;
            if (named != caller.OrganizationId)
            {
                return (null, Problems.ForeignOrganization());
            }
        }

        var errors = new FieldErrors();
        var value = read(body, errors);
        return value is null ? (null, errors.ToResult()) : (value, null);
    }
}
