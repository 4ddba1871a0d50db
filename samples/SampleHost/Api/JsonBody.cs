using System.Text.Json;
using System.Text.Json.Nodes;

namespace SampleHost.Api;

/// <summary>
/// Reads a request body as a JSON object. Bodies are parsed by hand rather than bound, so malformed JSON becomes a
/// 400 problem (never an exception page) and a merge patch can tell an absent field from an explicit null.
/// </summary>
internal static class JsonBody
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowDuplicateProperties = false, MaxDepth = 32 };

    public static async Task<(JsonObject? Body, IResult? Error)> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var node = await JsonNode.ParseAsync(request.Body, documentOptions: DocumentOptions, cancellationToken: cancellationToken);
            return node is JsonObject body
                ? (body, null)
                : (null, Problems.Validation("body", "The request body must be a JSON object."));
        }
        catch (JsonException ex)
        {
            // The parser's message names the line and position, which is what a client needs; no stack trace.
            return (null, Problems.Validation("body", $"The request body is not valid JSON: {ex.Message}"));
        }
    }
}
