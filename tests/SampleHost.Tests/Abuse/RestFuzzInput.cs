using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace SampleHost.Tests.Abuse;

/// <summary>One fuzz request: who sends it, where, and the exact bytes (which may not be JSON at all).</summary>
public sealed record FuzzRequest(string Caller, HttpMethod Method, string Path, byte[]? Body, string? ContentType)
{
    public override string ToString() =>
        $"{Caller} {Method} {(Path.Length > 200 ? Path[..200] + "…" : Path)} {ContentType} " +
        (Body is null ? "(no body)" : Body.Length > 300 ? $"{Encoding.UTF8.GetString(Body, 0, 300)}… ({Body.Length} bytes)" : Encoding.UTF8.GetString(Body));
}

/// <summary>
/// Seeded random requests to the REST contract: bodies that look like the contract's with random values (so
/// validation is passed sometimes and writes happen), arbitrary JSON values, and text that is not JSON at all
/// (truncated, invalid UTF-8, lone surrogates, nesting past the limit, comments, trailing commas, huge strings).
/// </summary>
public sealed class RestFuzzInput(int seed, RestFuzzInput.Targets targets)
{
    /// <summary>The ids the fuzz aims at: its own organization's resources and a foreign organization's.</summary>
    public sealed record Targets(string Org, string ForeignOrg, string[] ServiceIds, string[] IncidentIds, string[] ForeignServiceIds, string[] ForeignIncidentIds);

    private static readonly string[] ServiceFields = ["name", "description", "group", "position", "status", "tenantId", "organizationId", "id", "updatedAt"];
    private static readonly string[] IncidentFields = ["name", "status", "impact", "message", "serviceStatuses", "tenantId", "organizationId", "updates"];
    private static readonly string[] UpdateFields = ["status", "body", "serviceStatuses", "organizationId", "tenantId"];
    private static readonly string[] BroadcastFields = ["scope", "organizationId", "tenantId", "userId", "event", "type", "data"];
    private static readonly string[] TokenFields = ["userId", "organizationId", "tenantId", "role"];

    private static readonly string[] Statuses =
    [
        "operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance",
        "investigating", "identified", "monitoring", "resolved", "Operational", "OPERATIONAL", "operational ", "",
    ];

    private static readonly string[] Impacts = ["none", "minor", "major", "critical", "maintenance", "None"];
    private static readonly string[] Scopes = ["all", "organization", "tenant", "user", "All", "org", "global", ""];
    private static readonly string[] Roles = ["member", "admin", "platform-admin", "Admin", "root", ""];
    private static readonly string[] Events = ["fuzz-note", "service-update", "status-update", "incident-update", "authenticated", "pong", "sentinel", "Fuzz", "-x", "a"];
    private static readonly string[] States = ["all", "unresolved", "resolved", "ALL", "open", "", " all", "all\u0000", "resolved,all"];

    private readonly Random random = new(seed);

    public List<FuzzRequest> Generate(int perEndpoint)
    {
        var requests = new List<FuzzRequest>();
        for (var i = 0; i < perEndpoint; i++)
        {
            requests.Add(Body(Writer(), HttpMethod.Post, "/api/services", ServiceFields));
            requests.Add(Body(Writer(), HttpMethod.Put, $"/api/services/{RouteId(targets.ServiceIds, targets.ForeignServiceIds)}", ServiceFields));
            requests.Add(Body(Writer(), HttpMethod.Patch, $"/api/services/{RouteId(targets.ServiceIds, targets.ForeignServiceIds)}", ServiceFields));
            requests.Add(Body(Writer(), HttpMethod.Post, "/api/incidents", IncidentFields));
            requests.Add(Body(Writer(), HttpMethod.Patch, $"/api/incidents/{RouteId(targets.IncidentIds, targets.ForeignIncidentIds)}", IncidentFields));
            requests.Add(Body(Writer(), HttpMethod.Post, $"/api/incidents/{RouteId(targets.IncidentIds, targets.ForeignIncidentIds)}/updates", UpdateFields));
            requests.Add(Body("admin", HttpMethod.Post, "/api/websocket/broadcast", BroadcastFields));
            requests.Add(Body("anonymous", HttpMethod.Post, "/api/dev/token", TokenFields));
            requests.Add(Query(Writer(), "/api/incidents", "state", Pick(States)));
            requests.Add(Query(Writer(), "/api/services", "organizationId", Pick([targets.Org, targets.ForeignOrg, "a:b", ""])));
            requests.Add(Query(Writer(), "/api/websocket/info", "organizationId", Pick([targets.Org, targets.ForeignOrg, "a:b", ""])));
        }

        return requests;
    }

    private string Writer() => random.Next(3) == 0 ? "member" : "admin";

    private FuzzRequest Query(string caller, string path, string name, string plausible)
    {
        var value = random.Next(3) == 0 ? plausible : UrlText();
        var query = random.Next(10) == 0
            ? $"{name}={Uri.EscapeDataString(value)}&{name}={Uri.EscapeDataString(UrlText())}"
            : $"{name}={Uri.EscapeDataString(value)}";
        return new FuzzRequest(caller, HttpMethod.Get, $"{path}?{query}", null, null);
    }

    private FuzzRequest Body(string caller, HttpMethod method, string path, string[] fields)
    {
        var contentType = random.Next(12) switch
        {
            0 => "text/plain",
            1 => null,
            2 => "application/merge-patch+json",
            3 => "application/x-www-form-urlencoded",
            _ => "application/json",
        };
        var bytes = random.Next(10) switch
        {
            < 6 => Utf8(ContractObject(fields).ToJsonString()),
            < 8 => Utf8(Value(0)?.ToJsonString() ?? "null"),
            _ => Malformed(fields),
        };
        return new FuzzRequest(caller, method, path, bytes, contentType);
    }

    /// <summary>An object with the endpoint's fields (and some others), each plausible or random.</summary>
    private JsonObject ContractObject(string[] fields)
    {
        // A quarter of them are every field, each plausible: those get past validation often enough to write.
        var body = new JsonObject();
        var plausibleOnly = random.Next(4) == 0;
        foreach (var field in fields)
        {
            if (plausibleOnly || random.Next(3) > 0)
            {
                body[field] = plausibleOnly || random.Next(2) == 0 ? Plausible(field) : Value(1);
            }
        }

        if (random.Next(5) == 0)
        {
            body[String(maxLength: 12)] = Value(1);
        }

        return body;
    }

    // Two times in three a value the contract accepts, otherwise a near miss (wrong case, out of range, a colon).
    private JsonNode? Plausible(string field) => random.Next(3) > 0 ? Valid(field) : NearMiss(field);

    private JsonNode? Valid(string field) => field switch
    {
        "status" => Pick(Statuses[..9]),
        "impact" => Pick(Impacts[..4]),
        "scope" => Pick(Scopes[..4]),
        "role" => Pick(Roles[..3]),
        "event" => Pick(Events[..7]),
        "position" => random.Next(100),
        "organizationId" => targets.Org,
        "tenantId" => random.Next(3) == 0 ? null : Pick(["t1", "t2", "t3"]),
        "userId" => Pick(["boss", "m1", "m2", "vb1", "vboss"]),
        "serviceStatuses" => new JsonObject { [Pick(targets.ServiceIds)] = Pick(Statuses[..5]) },
        "data" => Value(0),
        "name" or "body" or "message" => Pick(["Database", "Login failures", "Investigating 名前 😀"]),
        _ => ShortText(),
    };

    private JsonNode? NearMiss(string field) => field switch
    {
        "status" => Pick(Statuses),
        "impact" => Pick(Impacts),
        "scope" => Pick(Scopes),
        "role" => Pick(Roles),
        "event" => Pick(Events),
        "position" => Pick<JsonNode>([0, 1, -1, 2147483647, 2147483648L, 1.5, 1e300]),
        "organizationId" => Pick([targets.Org, targets.Org, targets.Org, targets.ForeignOrg, "a:b", ""]),
        "tenantId" => random.Next(6) == 0 ? null : Pick(["t1", "t2", "t3", "T1", "t1:x", ""]),
        "userId" => Pick(["boss", "m1", "m2", "vb1", "vboss", "x y"]),
        "serviceStatuses" => ServiceStatuses(),
        "data" => Value(0),
        _ => ShortText(),
    };

    private JsonObject ServiceStatuses()
    {
        var map = new JsonObject();
        for (var i = random.Next(4); i > 0; i--)
        {
            var key = random.Next(4) switch
            {
                0 => Pick(targets.ForeignServiceIds),
                1 => String(maxLength: 10),
                _ => Pick(targets.ServiceIds),
            };
            map[key] = random.Next(3) == 0 ? Value(1) : Pick(Statuses);
        }

        return map;
    }

    private string RouteId(string[] own, string[] foreign) => random.Next(10) switch
    {
        0 => Pick(foreign),
        1 => Uri.EscapeDataString(UrlText().Replace('\0', '0') is { Length: > 0 } s ? s : "x"),
        2 => "nope",
        _ => Pick(own),
    };

    private JsonNode? Value(int depth) => random.Next(depth > 6 ? 5 : 9) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(2) == 0),
        2 => Number(),
        3 => JsonValue.Create(String()),
        4 => JsonValue.Create(ShortText()),
        5 => Object(depth),
        6 => Array(depth),
        7 => Deep(),
        _ => JsonValue.Create(Pick(Statuses)),
    };

    private JsonValue Number() => random.Next(6) switch
    {
        0 => JsonValue.Create(random.NextInt64(long.MinValue, long.MaxValue)),
        1 => JsonValue.Create(random.NextDouble() * 1e308),
        2 => JsonValue.Create(-0.0),
        3 => JsonValue.Create(decimal.MaxValue),
        4 => JsonValue.Create(random.Next(-5, 5)),
        _ => JsonValue.Create(double.Epsilon),
    };

    private JsonObject Object(int depth)
    {
        var result = new JsonObject();
        for (var i = random.Next(5); i > 0; i--)
        {
            result[String(maxLength: 12)] = Value(depth + 1);
        }

        return result;
    }

    private JsonArray Array(int depth)
    {
        var result = new JsonArray();
        for (var i = random.Next(5); i > 0; i--)
        {
            result.Add(Value(depth + 1));
        }

        return result;
    }

    // Up to just past the host's JSON depth limit (32).
    private JsonNode Deep()
    {
        JsonNode node = JsonValue.Create("bottom");
        for (var i = random.Next(1, 40); i > 0; i--)
        {
            node = random.Next(2) == 0 ? new JsonArray(node) : new JsonObject { ["name"] = node };
        }

        return node;
    }

    private string ShortText() => random.Next(4) switch
    {
        0 => "Database",
        1 => "  padded  ",
        2 => "名前 😀 \u202Eevil",
        _ => String(maxLength: 20),
    };

    /// <summary>
    /// Random text for a query value or a route segment. Long, but escaped it stays under Kestrel's 8 KiB request
    /// line: past that Kestrel itself answers 414 before the app runs. (Route segments also leave out NUL, which
    /// Kestrel refuses in a path with a bare 400 of its own. KestrelLimitTests covers both.)
    /// </summary>
    private string UrlText() => random.Next(50) == 0 ? String(maxLength: 0) + new string('q', random.Next(1_000, 7_000)) : String(maxLength: 80, huge: false);

    /// <summary>Random text: control characters, unicode (lone surrogates included), colons, and now and then a huge one.</summary>
    private string String(int maxLength = 64, bool huge = true)
    {
        var length = huge && random.Next(100) == 0 ? random.Next(20_000, 300_000) : random.Next(maxLength + 1);
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            builder.Append(random.Next(7) switch
            {
                0 => (char)random.Next(0, 32),
                1 => (char)random.Next(0x80, 0xD7FF),
                2 => (char)random.Next(0xD800, 0xE000),
                3 => ':',
                _ => (char)random.Next(32, 127),
            });
        }

        return builder.ToString();
    }

    /// <summary>Bytes that are not a valid JSON document.</summary>
    private byte[] Malformed(string[] fields)
    {
        var valid = ContractObject(fields).ToJsonString();
        return random.Next(12) switch
        {
            0 => [],
            1 => Utf8(valid[..random.Next(valid.Length)]),
            2 => [.. Utf8("{\"name\":\""), 0xFF, 0xFE, 0xC3, .. Utf8("\"}")],
            3 => [.. Utf8("{\""), 0xC0, 0xAF, .. Utf8("\":1}")],
            4 => Utf8("{\"name\":\"\\uD800\",\"body\":\"\\uDFFF x\",\"\\uDC00\":1}"),
            5 => Utf8(new string('[', random.Next(33, 5000)) + new string(']', random.Next(0, 40))),
            6 => Utf8("{\"name\":\"a\",\"name\":\"b\"}"),
            7 => Utf8("{/* comment */\"name\":\"x\",}"),
            8 => Utf8("{\"name\": NaN, \"position\": Infinity}"),
            9 => [0xEF, 0xBB, 0xBF, .. Utf8(valid)],
            10 => Utf8(valid + valid),
            _ => Utf8(string.Create(CultureInfo.InvariantCulture, $"{{\"name\":\"{new string('x', random.Next(1, 2_000_000))}")),
        };
    }

    private T Pick<T>(T[] values) => values[random.Next(values.Length)];

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
