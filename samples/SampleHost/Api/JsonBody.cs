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
        JsonNode? node;
        try
        {
            node = await JsonNode.ParseAsync(request.Body, documentOptions: DocumentOptions, cancellationToken: cancellationToken);
        }
        catch (JsonException ex)
        {
            // The parser's message names the line and position, which is what a client needs; no stack trace.
            return (null, Problems.Validation("body", $"The request body is not valid JSON: {ex.Message}"));
        }
        catch (InvalidOperationException)
        {
            // The duplicate-property check decodes property names while parsing, and throws this (not a
            // JsonException) for a name with an escaped lone surrogate.
            return (null, InvalidText());
        }

        if (node is not JsonObject body)
        {
            return (null, Problems.Validation("body", "The request body must be a JSON object."));
        }

        return IsWellFormedText(body) ? (body, null) : (null, InvalidText());
    }

    private static IResult InvalidText() =>
        Problems.Validation("body", "The request body contains text that is not valid Unicode (invalid UTF-8, or a \\u escape of a lone surrogate).");

    /// <summary>
    /// The parser checks the syntax but leaves strings undecoded: invalid UTF-8 bytes, or an escaped lone surrogate
    /// such as <c>"\uD800"</c>, would only throw when a handler first reads that string or property name (a 500
    /// the fuzz test found). Decoding every one here turns them into a 400 before any handler runs.
    /// </summary>
    private static bool IsWellFormedText(JsonNode node)
    {
        try
        {
            Decode(node);
            return true;
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json's "Cannot transcode invalid UTF-8" / "Cannot read invalid UTF-16 JSON text".
            return false;
        }
    }

    private static void Decode(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj)
                {
                    Decode(child);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Decode(child);
                }

                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                _ = value.GetValue<string>();
                break;
        }
    }
}
