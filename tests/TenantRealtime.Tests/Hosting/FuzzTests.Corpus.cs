using System.Diagnostics.Metrics;
using System.Text;
using System.Text.RegularExpressions;
using MessagePack;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;

namespace TenantRealtime.Tests.Hosting;

/// <summary>
/// A corpus of hostile inputs, as raw SignalR frames, for every hub method: what reaches the hub gets a coded error
/// and leaves the connection usable; what SignalR itself cannot parse or bind gets SignalR's own answer (docs/concepts.md).
/// </summary>
public sealed partial class FuzzTests
{
    private static readonly string[] CorpusMethods = ["Authenticate", "JoinOrganization", "LeaveOrganization", "GetPresence", "Resume", "GetState", "Subscribe", "Unsubscribe", "Ping"];

    /// <summary>Subscribe's and Unsubscribe's fields: one topic at the top, or a list of them.</summary>
    private static readonly string[] TopicFieldNames =
    [
        "scope", "topic", "organizationId", "tenantId", "topics",
        "topics[0].scope", "topics[0].topic", "topics[0].organizationId", "topics[0].tenantId", "topics[0].extra", "extra",
    ];

    /// <summary>Each method's fields, and where Resume's, Subscribe's and Unsubscribe's nested ones go (<see cref="Nested"/>).</summary>
    private static readonly Dictionary<string, string[]> Fields = new()
    {
        ["Authenticate"] = ["userId", "organizationId", "tenantId", "userRole", "extra"],
        ["JoinOrganization"] = ["organizationId", "extra"],
        ["LeaveOrganization"] = ["organizationId", "extra"],
        ["GetPresence"] = ["scope", "organizationId", "tenantId", "extra"],
        ["Resume"] =
        [
            "positions", "positions[0].room", "positions[0].epoch", "positions[0].seq", "positions[0].extra",
            "states", "states[0].room", "states[0].epoch", "states[0].version", "states[0].extra", "extra",
        ],
        ["GetState"] = ["room", "extra"],
        ["Subscribe"] = TopicFieldNames,
        ["Unsubscribe"] = TopicFieldNames,
        ["Ping"] = [],
    };

    private enum Expect
    {
        /// <summary>Reaches the hub and is refused: <c>invalid-argument: …</c>.</summary>
        InvalidArgument,

        /// <summary>Reaches the hub: a result or any coded error.</summary>
        Coded,

        /// <summary>SignalR cannot bind or dispatch it: its own "Failed to invoke" error, the connection stays.</summary>
        SignalRError,

        /// <summary>SignalR cannot parse the frame: it closes the connection.</summary>
        SignalRClose,

        /// <summary>An unknown message type: SignalR's parser waits on it, so nothing on that connection is answered again.</summary>
        Unanswered,
    }

    private sealed record Input(string Name, Expect Expected, byte[] Frame, bool Binary = false);

    [GeneratedRegex(@"HubException: (invalid-argument|forbidden|unauthenticated|limit-exceeded|disabled|unavailable): \S")]
    private static partial Regex AnyCodedError();

    [GeneratedRegex(@"HubException: invalid-argument: \S")]
    private static partial Regex InvalidArgumentError();

    [GeneratedRegex(@"^(Failed to invoke '[^']*' due to an error on the server\.|The client attempted to invoke the non-streaming '[^']*' method with a streaming invocation\.)")]
    private static partial Regex SignalRInvokeError();

    [Theory]
    [InlineData(HubProtocolKind.Json)]
    [InlineData(HubProtocolKind.MessagePack)]
    public async Task EveryInputOfTheCorpusGetsACodedErrorOrSignalRsOwnAnswer(HubProtocolKind protocol)
    {
        using var refusals = new MetricCollector<long>(_node.Services.GetRequiredService<IMeterFactory>(), "TenantRealtime", "tenantrealtime.refusals");
        var logged = _node.Logs.GetSnapshot().Count(r => r.Id.Name == "InvalidArgument");
        var user = TestUser.Member("mallory", "org-a", "t1");
        var inputs = protocol == HubProtocolKind.Json ? JsonCorpus() : MessagePackCorpus();
        var wrong = new List<string>();
        var invalidArguments = 0;
        var raw = await RawHubClient.ConnectAsync(_node.HubUrl, user, protocol);
        try
        {
            foreach (var input in inputs)
            {
                RawAnswer answer;
                try
                {
                    answer = input.Expected == Expect.Unanswered
                        ? await raw.SendAsync(input.Frame)
                        : await raw.InvokeAsync("fuzz", input.Frame, input.Binary);
                }
                catch (OperationCanceledException)
                {
                    throw new TimeoutException($"{input.Name}: no answer in time");
                }

                var matches = input.Expected switch
                {
                    Expect.InvalidArgument => answer is { Closed: false, Error: { } e } && InvalidArgumentError().IsMatch(e),
                    Expect.Coded => !answer.Closed && (answer.Error is null || AnyCodedError().IsMatch(answer.Error)),
                    Expect.SignalRError => answer is { Closed: false, Error: { } e } && SignalRInvokeError().IsMatch(e) && !AnyCodedError().IsMatch(e),
                    Expect.SignalRClose => answer.Closed,
                    _ => answer is { Closed: false, Error: null },
                };
                invalidArguments += answer.Error is { } error && InvalidArgumentError().IsMatch(error) ? 1 : 0;
                if (!matches)
                {
                    wrong.Add($"{input.Name}: expected {input.Expected}, got {answer}");
                }

                if (input.Expected == Expect.Unanswered)
                {
                    var ping = raw.PingsAsync();
                    (await Task.WhenAny(ping, Task.Delay(TimeSpan.FromSeconds(1)))).Should().NotBe(ping, "SignalR answers nothing after an unknown message type");
                    await raw.DisposeAsync();
                    raw = await RawHubClient.ConnectAsync(_node.HubUrl, user, protocol);
                }
                else if (raw.IsClosed)
                {
                    await raw.DisposeAsync();
                    raw = await RawHubClient.ConnectAsync(_node.HubUrl, user, protocol);
                }
                else if (!await raw.PingsAsync().WaitAsync(RealtimeClient.DefaultTimeout).ContinueWith(t => t.IsCompletedSuccessfully && t.Result))
                {
                    wrong.Add($"{input.Name}: Ping did not answer after it");
                    await raw.DisposeAsync();
                    raw = await RawHubClient.ConnectAsync(_node.HubUrl, user, protocol);
                }
            }
        }
        finally
        {
            await raw.DisposeAsync();
        }

        wrong.Should().BeEmpty();
        inputs.Should().HaveCountGreaterThan(100);
        invalidArguments.Should().BeGreaterThan(50);

        // Every invalid-argument is counted and logged as the hub's other refusals are.
        refusals.GetMeasurementSnapshot().Count(m => (string?)m.Tags["tenantrealtime.reason"] == "invalid-argument").Should().Be(invalidArguments);
        (_node.Logs.GetSnapshot().Count(r => r.Id.Name == "InvalidArgument") - logged).Should().Be(invalidArguments);

        // The server lives on, and logged no error but SignalR's own line for each coded refusal.
        await using var honest = await RealtimeClient.ConnectAsync(_node.HubUrl, TestUser.Member("honest", "org-a", "t1"));
        (await honest.InvokeAsync("Ping")).Should().ContainKey("timestamp");
        _node.Logs.GetSnapshot()
            .Where(r => r.Level >= LogLevel.Error && !(r.Exception is HubException coded && AnyCodedError().IsMatch("HubException: " + coded.Message)))
            .Select(r => $"{r.Level} {r.Category}: {r.Message} {r.Exception}")
            .Should().BeEmpty("hostile input is a coded refusal or SignalR's own answer, never an error of the server");
    }

    /// <remarks>
    /// The .NET client's JSON protocol refuses to write a lone surrogate (System.Text.Json), so only its MessagePack
    /// protocol sends one, encoded as U+FFFD; the raw frames above and the JavaScript client send the JSON escape.
    /// </remarks>
    [Fact]
    public async Task ALoneSurrogateFromTheDotNetClientIsAnInvalidArgumentOfEveryMethod()
    {
        await using var client = await RealtimeClient.ConnectAsync(_node.HubUrl, TestUser.Member("lone", "org-a", "t1"), HubProtocolKind.MessagePack);

        foreach (var method in CorpusMethods.Where(m => m != "Ping"))
        {
            var field = Fields[method][0];
            foreach (var value in new[] { "\ud800", "\udc00", "org\udfff" })
            {
                var invoke = () => client.InvokeAsync(method, new Dictionary<string, object?> { [field] = value });

                // A room key is any text, not an id: U+FFFD is a key the connection does not hold.
                var expected = method == "GetState" ? "HubException: forbidden: the connection does not hold that room's state.$" : @$"HubException: invalid-argument: '{field}' ";
                (await invoke.Should().ThrowAsync<HubException>()).Which.Message.Should().MatchRegex(expected);
            }
        }

        (await client.InvokeAsync("Ping")).Should().ContainKey("timestamp");
    }

    [Fact]
    public async Task ALoneSurrogateFromTheJavaScriptClientIsAnInvalidArgumentOfEveryMethod()
    {
        var script = Path.Combine(RepositoryPaths.Root, "tests", "TenantRealtime.Tests", "Hosting", "lone-surrogate.mjs");

        var report = await NodeScript.RunAsync(script, RepositoryPaths.Root, _node.HubUrl.ToString(), TestUser.Member("lena", "org-a", "t1").Token());

        using var result = System.Text.Json.JsonDocument.Parse(report);
        var errors = result.RootElement.GetProperty("errors").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        errors.Should().HaveCount(10);
        errors["JoinOrganization value"].Should().EndWith("HubException: invalid-argument: 'organizationId' is not valid text (it holds a lone surrogate or invalid UTF-8).");
        errors["JoinOrganization name"].Should().EndWith("HubException: invalid-argument: JoinOrganization received a field name that is not valid text (it holds a lone surrogate or invalid UTF-8).");
        errors["LeaveOrganization value"].Should().EndWith("invalid-argument: 'organizationId' is not valid text (it holds a lone surrogate or invalid UTF-8).");
        errors["Authenticate value"].Should().EndWith("invalid-argument: 'userRole' is not valid text (it holds a lone surrogate or invalid UTF-8).");
        errors["GetPresence value"].Should().EndWith("invalid-argument: 'tenantId' is not valid text (it holds a lone surrogate or invalid UTF-8).");
        errors["Resume value"].Should().EndWith("invalid-argument: 'positions[0].epoch' is not valid text (it holds a lone surrogate or invalid UTF-8).");
        errors["GetState value"].Should().EndWith("invalid-argument: 'room' is not valid text (it holds a lone surrogate or invalid UTF-8).");
        errors["Subscribe value"].Should().EndWith("invalid-argument: 'topic' is not valid text (it holds a lone surrogate or invalid UTF-8).");
        errors["Unsubscribe value"].Should().EndWith("invalid-argument: 'topics[0].organizationId' is not valid text (it holds a lone surrogate or invalid UTF-8).");
        errors["Resume states value"].Should().EndWith("invalid-argument: 'states[0].room' is not valid text (it holds a lone surrogate or invalid UTF-8).");
        result.RootElement.GetProperty("ping").GetBoolean().Should().BeTrue("the connection stays usable");
    }

    /// <summary>State's arguments (issue 30), as a client sees their refusals: each names the field and what it must be.</summary>
    public static TheoryData<string, string, string> StateRefusals => new()
    {
        { "GetState", "{}", "invalid-argument: 'room' must be a room key of 1 to 784 characters." },
        { "GetState", "{\"room\":\"\"}", "invalid-argument: 'room' must be a room key of 1 to 784 characters." },
        { "GetState", $"{{\"room\":\"{new string('a', 785)}\"}}", "invalid-argument: 'room' must be a room key of 1 to 784 characters." },
        { "GetState", "{\"room\":7}", "invalid-argument: 'room' must be a string." },
        { "GetState", "{\"room\":[\"all\"]}", "invalid-argument: 'room' must be a string." },
        { "GetState", "{\"room\":\"org:org-b\"}", "forbidden: the connection does not hold that room's state." },
        { "GetState", "{\"room\":\"org-admins:org-a\"}", "forbidden: the connection does not hold that room's state." },
        { "Resume", "{\"states\":[]}", "invalid-argument: 'positions' must be an array." },
        { "Resume", "{\"positions\":[],\"states\":{}}", "invalid-argument: 'states' must be an array." },
        { "Resume", "{\"positions\":[],\"states\":[1]}", "invalid-argument: Resume expects an object like {room, epoch, version}." },
        { "Resume", $"{{\"positions\":[],\"states\":[{string.Join(',', Enumerable.Repeat("{}", 166))}]}}", "invalid-argument: 'states' may hold at most 165 items." },
        { "Resume", "{\"positions\":[],\"states\":[{\"epoch\":\"e\",\"version\":0}]}", "invalid-argument: 'room' must be a room key of 1 to 784 characters." },
        { "Resume", "{\"positions\":[],\"states\":[{\"room\":1,\"epoch\":\"e\",\"version\":0}]}", "invalid-argument: 'states[0].room' must be a string." },
        { "Resume", "{\"positions\":[],\"states\":[{\"room\":\"all\",\"epoch\":\"\",\"version\":0}]}", "invalid-argument: 'epoch' must be the epoch of a received state message." },
        { "Resume", $"{{\"positions\":[],\"states\":[{{\"room\":\"all\",\"epoch\":\"{new string('e', 129)}\",\"version\":0}}]}}", "invalid-argument: 'epoch' must be the epoch of a received state message." },
        { "Resume", "{\"positions\":[],\"states\":[{\"room\":\"all\",\"epoch\":\"e\"}]}", "invalid-argument: 'states[0].version' must be a whole number." },
        { "Resume", "{\"positions\":[],\"states\":[{\"room\":\"all\",\"epoch\":\"e\",\"version\":\"1\"}]}", "invalid-argument: 'states[0].version' must be a whole number." },
        { "Resume", "{\"positions\":[],\"states\":[{\"room\":\"all\",\"epoch\":\"e\",\"version\":1.5}]}", "invalid-argument: 'states[0].version' must be a whole number." },
        { "Resume", "{\"positions\":[],\"states\":[{\"room\":\"all\",\"epoch\":\"e\",\"version\":12345678901234567890}]}", "invalid-argument: 'states[0].version' must be a whole number." },
        { "Resume", "{\"positions\":[],\"states\":[{\"room\":\"all\",\"epoch\":\"e\",\"version\":-1}]}", "invalid-argument: 'version' must not be negative." },

        // A later item is read as strictly as the first: nothing of the call is answered.
        { "Resume", "{\"positions\":[],\"states\":[{\"room\":\"all\",\"epoch\":\"e\",\"version\":0},{\"room\":\"all\",\"epoch\":\"e\",\"version\":-9223372036854775808}]}", "invalid-argument: 'version' must not be negative." },
    };

    [Theory]
    [MemberData(nameof(StateRefusals))]
    public async Task StateArgumentsAreRefusedWithSentencesNamingTheField(string method, string argument, string sentence)
    {
        await using var raw = await RawHubClient.ConnectAsync(_node.HubUrl, TestUser.Member("mallory", "org-a", "t1"), HubProtocolKind.Json);

        var answer = await raw.InvokeAsync("fuzz", JsonCall(method, argument));

        answer.Closed.Should().BeFalse();
        answer.Error.Should().EndWith($"HubException: {sentence}");
        (await raw.PingsAsync()).Should().BeTrue("a refused argument never costs the connection");
    }

    private const string TopicRule = "'topic' must be a topic name of 1 to 128 characters of [A-Za-z0-9_.-] in segments joined by single ':'.";

    /// <summary>Subscribe's and Unsubscribe's arguments, as a client sees their refusals: each names the field and what it must be.</summary>
    public static TheoryData<string, string, string> TopicRefusals
    {
        get
        {
            var data = new TheoryData<string, string, string>();
            var many = "{\"topics\":[" + string.Join(',', Enumerable.Range(0, 101).Select(i => $"{{\"scope\":\"tenant\",\"topic\":\"t{i}\"}}")) + "]}";
            foreach (var method in new[] { "Subscribe", "Unsubscribe" })
            {
                data.Add(method, "{}", "invalid-argument: 'scope' must be \"tenant\" or \"organization\".");
                data.Add(method, "{\"scope\":\"all\",\"topic\":\"x\"}", "invalid-argument: 'scope' must be \"tenant\" or \"organization\".");
                data.Add(method, "{\"scope\":7,\"topic\":\"x\"}", "invalid-argument: 'scope' must be a string.");
                data.Add(method, "{\"scope\":\"tenant\"}", $"invalid-argument: {TopicRule}");
                data.Add(method, "{\"scope\":\"tenant\",\"topic\":\"\"}", $"invalid-argument: {TopicRule}");
                data.Add(method, "{\"scope\":\"tenant\",\"topic\":\":x\"}", $"invalid-argument: {TopicRule}");
                data.Add(method, "{\"scope\":\"tenant\",\"topic\":\"x:\"}", $"invalid-argument: {TopicRule}");
                data.Add(method, "{\"scope\":\"tenant\",\"topic\":\"a::b\"}", $"invalid-argument: {TopicRule}");
                data.Add(method, "{\"scope\":\"tenant\",\"topic\":\"a b\"}", $"invalid-argument: {TopicRule}");
                data.Add(method, $"{{\"scope\":\"tenant\",\"topic\":\"{new string('a', 129)}\"}}", $"invalid-argument: {TopicRule}");
                data.Add(method, "{\"scope\":\"tenant\",\"topic\":[\"x\"]}", "invalid-argument: 'topic' must be a string.");
                data.Add(method, "{\"scope\":\"organization\",\"topic\":\"x\",\"tenantId\":\"t1\"}", "invalid-argument: 'tenantId' names a tenant: ask for scope \"tenant\".");
                data.Add(method, "{\"scope\":\"tenant\",\"topic\":\"x\",\"tenantId\":\"t:1\"}", "invalid-argument: 'tenantId' must be");
                data.Add(method, "{\"scope\":\"tenant\",\"topic\":\"x\",\"organizationId\":\"\"}", "invalid-argument: 'organizationId' must be");
                data.Add(method, "{\"topics\":[]}", "invalid-argument: 'topics' must name at least one topic.");
                data.Add(method, "{\"topics\":{}}", "invalid-argument: 'topics' must be an array.");
                data.Add(method, "{\"topics\":null}", "invalid-argument: 'scope' must be \"tenant\" or \"organization\"."); // null is absent: the single form
                data.Add(method, "{\"topics\":[1]}", $"invalid-argument: {method} expects an object like {{scope: \"tenant\" | \"organization\", topic, organizationId?, tenantId?}} or {{topics: [ … ]}}.");
                data.Add(method, "{\"topics\":[{\"scope\":\"tenant\",\"topic\":\"x\"},{\"scope\":\"tenant\"}]}", $"invalid-argument: {TopicRule}");
            }

            data.Add("Subscribe", many, "limit-exceeded: a connection may subscribe to at most 100 topics.");
            data.Add("Unsubscribe", many, "invalid-argument: 'topics' may hold at most 100 items.");
            data.Add("Subscribe", "{\"scope\":\"organization\",\"topic\":\"ops\"}", "forbidden: the connection may not subscribe to the organization topic 'ops'.");
            data.Add("Subscribe", "{\"scope\":\"tenant\",\"topic\":\"x\",\"organizationId\":\"org-b\"}", "forbidden: the connection may not subscribe to the tenant topic 'x'.");
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(TopicRefusals))]
    public async Task TopicArgumentsAreRefusedWithSentencesNamingTheField(string method, string argument, string sentence)
    {
        await using var raw = await RawHubClient.ConnectAsync(_node.HubUrl, TestUser.Member("mallory", "org-a", "t1"), HubProtocolKind.Json);

        var answer = await raw.InvokeAsync("fuzz", JsonCall(method, argument));

        answer.Closed.Should().BeFalse();
        answer.Error.Should().Contain($"HubException: {sentence}");
        (await raw.PingsAsync()).Should().BeTrue("a refused argument never costs the connection");
    }

    private static byte[] JsonCall(string method, string argument) =>
        RawFrames.Json($$"""{"type":1,"invocationId":"fuzz","target":"{{method}}","arguments":[{{argument}}]}""");

    /// <summary>
    /// An argument with <paramref name="value"/> at <paramref name="field"/>: nested in a valid item of Resume's arrays,
    /// and beside an empty <c>positions</c> for <c>states</c>, which Resume reads only once its positions are valid.
    /// </summary>
    private static string JsonAt(string field, string value)
    {
        var before = NeedsPositions(field) ? "\"positions\":[]," : "";
        return Nested(field) is (var array, var name, var valid)
            ? $"{{{before}{Quote(array)}:[{{" + string.Concat(valid.Where(p => p.Name != name).Select(p => $"{Quote(p.Name)}:{(p.Value is string s ? Quote(s) : p.Value)},")) + $"{Quote(name)}:{value}}}]}}"
            : $"{{{before}{Quote(field)}:{value}}}";
    }

    /// <summary>A valid position and a valid state version, whose fields the corpus replaces one at a time.</summary>
    private static readonly (string Name, object Value)[] PositionFields = [("room", "all"), ("epoch", "e"), ("seq", 0)];

    private static readonly (string Name, object Value)[] StateVersionFields = [("room", "all"), ("epoch", "e"), ("version", 0)];

    private static readonly (string Name, object Value)[] TopicItemFields = [("scope", "tenant"), ("topic", "incident:1")];

    private static (string Array, string Name, (string Name, object Value)[] Valid)? Nested(string field) =>
        field.StartsWith("positions[0].", StringComparison.Ordinal) ? ("positions", field["positions[0].".Length..], PositionFields)
        : field.StartsWith("states[0].", StringComparison.Ordinal) ? ("states", field["states[0].".Length..], StateVersionFields)
        : field.StartsWith("topics[0].", StringComparison.Ordinal) ? ("topics", field["topics[0].".Length..], TopicItemFields)
        : null;

    private static bool NeedsPositions(string field) => field.StartsWith("states", StringComparison.Ordinal);

    private static string Quote(string s) => $"\"{s}\"";

    private static string Deep(int levels, string open, string close, string bottom = "1") =>
        string.Concat(Enumerable.Repeat(open, levels)) + bottom + string.Concat(Enumerable.Repeat(close, levels));

    private static List<Input> JsonCorpus()
    {
        // What no JSON value may hold anywhere, and what no field may hold whatever it is.
        string[] hostileValues = ["\"\\ud800\"", "\"\\udc00\"", "\"a\\udfff\\ud800b\"", "[\"\\ud800\"]", "{\"\\ud800\":1}", "1e400", "-1e400", Deep(40, "[", "]"), Deep(40, "{\"a\":", "}")];
        string[] everyType = ["null", "true", "false", "0", "-1", "1.5", "12345678901234567890", "1e308", "\"\"", "\"org-b\"", "\"all\"", "{}", "[]", "[null]", "[{}]", Quote(new string('a', 20_000)), Deep(30, "[", "]")];
        string[] notObjects = ["null", "true", "0", "1e400", "\"org-a\"", "\"\\ud800\"", "[]", "[{}]", Deep(60, "[", "]")];
        var inputs = new List<Input>();
        foreach (var method in CorpusMethods)
        {
            if (method == "Ping")
            {
                // Ping takes no argument: any is SignalR's argument-count error.
                inputs.AddRange(notObjects.Concat(hostileValues).Select(v => new Input($"Ping({v})", Expect.SignalRError, JsonCall(method, v))));
                continue;
            }

            inputs.AddRange(notObjects.Select(v => new Input($"{method}({Short(v)})", Expect.InvalidArgument, JsonCall(method, v))));
            foreach (var field in Fields[method])
            {
                inputs.AddRange(hostileValues.Select(v => new Input($"{method} {field}={Short(v)}", Expect.InvalidArgument, JsonCall(method, JsonAt(field, v)))));
                inputs.AddRange(everyType.Select(v => new Input($"{method} {field}={Short(v)}", Expect.Coded, JsonCall(method, JsonAt(field, v)))));
            }

            // Field names that cannot be decoded, at the top and nested; a field given twice; many fields.
            inputs.Add(new Input($"{method} name \\ud800", Expect.InvalidArgument, JsonCall(method, "{\"\\ud800\":1}")));
            inputs.Add(new Input($"{method} name \\udc00x", Expect.InvalidArgument, JsonCall(method, "{\"\\udc00x\":\"a\"}")));
            inputs.Add(new Input($"{method} nested name", Expect.InvalidArgument, JsonCall(method, "{\"extra\":{\"a\":[{\"\\ud800\":1}]}}")));
            inputs.Add(new Input($"{method} twice", Expect.InvalidArgument, JsonCall(method, $"{{\"{Fields[method][0]}\":null,\"{Fields[method][0].ToUpperInvariant()}\":null}}")));
            inputs.Add(new Input($"{method} many fields", Expect.Coded, JsonCall(method, "{" + string.Join(',', Enumerable.Range(0, 2000).Select(i => $"\"f{i}\":{i}")) + "}")));

            // Invalid UTF-8 in a binary WebSocket message (a text message is checked by the WebSocket, below).
            var prefix = Encoding.UTF8.GetBytes($$"""{"type":1,"invocationId":"fuzz","target":"{{method}}","arguments":[{"{{Fields[method][0]}}":" """.TrimEnd());
            inputs.Add(new Input($"{method} invalid UTF-8 value", Expect.InvalidArgument, RawFrames.Json(prefix, [0xff, 0xfe, 0xed, 0xa0, 0x80], "\"}]}"u8.ToArray()), Binary: true));
            var namePrefix = Encoding.UTF8.GetBytes($$"""{"type":1,"invocationId":"fuzz","target":"{{method}}","arguments":[{" """.TrimEnd());
            inputs.Add(new Input($"{method} invalid UTF-8 name", Expect.InvalidArgument, RawFrames.Json(namePrefix, [0xc3, 0x28], "\":1}]}"u8.ToArray()), Binary: true));

            // SignalR's own: wrong argument counts, nesting past its reader's depth, frames it cannot parse.
            inputs.Add(new Input($"{method}()", Expect.SignalRError, RawFrames.Json($$"""{"type":1,"invocationId":"fuzz","target":"{{method}}","arguments":[]}""")));
            inputs.Add(new Input($"{method}({{}}, {{}})", Expect.SignalRError, JsonCall(method, "{},{}")));
            inputs.Add(new Input($"{method} nested 70", Expect.SignalRClose, JsonCall(method, Deep(70, "[", "]"))));
            inputs.Add(new Input($"{method} malformed", Expect.SignalRClose, JsonCall(method, "{\"organizationId\":}")));
            inputs.Add(new Input($"{method} arguments not an array", Expect.SignalRClose, RawFrames.Json($$$"""{"type":1,"invocationId":"fuzz","target":"{{{method}}}","arguments":{}}""")));
            inputs.Add(new Input($"{method} invalid UTF-8 text message", Expect.SignalRClose, RawFrames.Json(prefix, [0xff], "\"}]}"u8.ToArray())));
            inputs.Add(new Input($"{method} too large", Expect.SignalRClose, JsonCall(method, JsonAt(Fields[method][0], Quote(new string('a', 40_000))))));
        }

        inputs.Add(new Input("unknown method", Expect.SignalRError, JsonCall("Nope", "{}")));
        inputs.Add(new Input("lone surrogate target", Expect.SignalRClose, JsonCall("\\ud800", "{}")));
        inputs.Add(new Input("lone surrogate invocation id", Expect.SignalRClose, RawFrames.Json("""{"type":1,"invocationId":"\ud800","target":"Ping","arguments":[]}""")));
        inputs.Add(new Input("not JSON", Expect.SignalRClose, RawFrames.Json("hello")));
        inputs.Add(new Input("unknown message type", Expect.Unanswered, RawFrames.Json("""{"type":99}""")));
        inputs.Add(new Input("streaming invocation of a method that does not stream", Expect.SignalRError, RawFrames.Json("""{"type":4,"invocationId":"fuzz","target":"JoinOrganization","arguments":[{"organizationId":"\ud800"}]}""")));
        inputs.Add(new Input("cancel of no invocation", Expect.SignalRError, [.. RawFrames.Json("""{"type":5,"invocationId":"nothing"}"""), .. JsonCall("Nope", "")]));
        inputs.Add(new Input("stream item of no stream", Expect.SignalRError, [.. RawFrames.Json("""{"type":2,"invocationId":"nothing","item":"\ud800"}"""), .. JsonCall("Nope", "")]));
        return inputs;
    }

    private static List<Input> MessagePackCorpus()
    {
        RawFrames.WriteValue[] hostileValues =
        [
            (ref MessagePackWriter w) => w.Write(double.NaN),
            (ref MessagePackWriter w) => w.Write(float.PositiveInfinity),
            (ref MessagePackWriter w) => w.Write(new byte[] { 1, 2, 3 }),
            (ref MessagePackWriter w) => w.Write(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)),
            (ref MessagePackWriter w) => { w.WriteArrayHeader(1); w.Write(new byte[] { 1 }); },
            (ref MessagePackWriter w) => { w.WriteMapHeader(1); w.Write(7); w.Write("x"); },
            (ref MessagePackWriter w) => DeepArray(ref w, 40),
        ];
        RawFrames.WriteValue[] everyType =
        [
            (ref MessagePackWriter w) => w.WriteNil(),
            (ref MessagePackWriter w) => w.Write(true),
            (ref MessagePackWriter w) => w.Write(0),
            (ref MessagePackWriter w) => w.Write(-1),
            (ref MessagePackWriter w) => w.Write(1.5),
            (ref MessagePackWriter w) => w.Write(ulong.MaxValue),
            (ref MessagePackWriter w) => w.Write(""),
            (ref MessagePackWriter w) => w.Write("org-b"),
            (ref MessagePackWriter w) => w.WriteString(new byte[] { 0xed, 0xa0, 0x80 }), // invalid UTF-8: MessagePack reads U+FFFD
            (ref MessagePackWriter w) => w.WriteMapHeader(0),
            (ref MessagePackWriter w) => w.WriteArrayHeader(0),
            (ref MessagePackWriter w) => w.Write(new string('a', 20_000)),
            (ref MessagePackWriter w) => DeepArray(ref w, 30),
        ];
        RawFrames.WriteValue[] notObjects =
        [
            (ref MessagePackWriter w) => w.WriteNil(),
            (ref MessagePackWriter w) => w.Write(42),
            (ref MessagePackWriter w) => w.Write("org-a"),
            (ref MessagePackWriter w) => w.Write(new byte[] { 1 }),
            (ref MessagePackWriter w) => w.WriteArrayHeader(0),
            (ref MessagePackWriter w) => DeepArray(ref w, 100),
        ];

        var inputs = new List<Input>();
        foreach (var method in CorpusMethods)
        {
            if (method == "Ping")
            {
                inputs.AddRange(notObjects.Select((v, i) => new Input($"Ping(#{i})", Expect.SignalRError, RawFrames.MessagePack("fuzz", method, 1, v))));
                continue;
            }

            inputs.AddRange(notObjects.Select((v, i) => new Input($"{method}(#{i})", Expect.InvalidArgument, RawFrames.MessagePack("fuzz", method, 1, v))));
            foreach (var field in Fields[method])
            {
                inputs.AddRange(hostileValues.Select((v, i) => new Input($"{method} {field}=hostile#{i}", Expect.InvalidArgument, MessagePackAt(method, field, v))));
                inputs.AddRange(everyType.Select((v, i) => new Input($"{method} {field}=type#{i}", Expect.Coded, MessagePackAt(method, field, v))));
            }

            inputs.Add(new Input($"{method} key not a string", Expect.InvalidArgument, RawFrames.MessagePack("fuzz", method, 1, (ref MessagePackWriter w) => { w.WriteMapHeader(1); w.Write(true); w.Write("x"); })));

            // SignalR's own: wrong argument counts, and what MessagePack cannot bind as object.
            inputs.Add(new Input($"{method}()", Expect.SignalRError, RawFrames.MessagePack("fuzz", method, 0, (ref MessagePackWriter _) => { })));
            inputs.Add(new Input($"{method}({{}}, {{}})", Expect.SignalRError, RawFrames.MessagePack("fuzz", method, 2, (ref MessagePackWriter w) => { w.WriteMapHeader(0); w.WriteMapHeader(0); })));
            inputs.Add(new Input($"{method} nested 600", Expect.SignalRError, RawFrames.MessagePack("fuzz", method, 1, (ref MessagePackWriter w) => DeepArray(ref w, 600))));
            inputs.Add(new Input($"{method} key twice", Expect.SignalRError, RawFrames.MessagePack("fuzz", method, 1, (ref MessagePackWriter w) => { w.WriteMapHeader(2); w.Write("a"); w.Write(1); w.Write("a"); w.Write(2); })));
            inputs.Add(new Input($"{method} unknown extension", Expect.SignalRError, RawFrames.MessagePack("fuzz", method, 1, (ref MessagePackWriter w) => w.WriteExtensionFormat(new ExtensionResult(42, new byte[] { 1 })))));
            inputs.Add(new Input($"{method} too large", Expect.SignalRClose, MessagePackAt(method, Fields[method][0], (ref MessagePackWriter w) => w.Write(new string('a', 40_000)))));
            inputs.Add(new Input($"{method} map as key", Expect.SignalRError, RawFrames.MessagePack("fuzz", method, 1, (ref MessagePackWriter w) => { w.WriteMapHeader(1); w.WriteMapHeader(0); w.Write(1); })));
        }

        inputs.Add(new Input("unknown method", Expect.SignalRError, RawFrames.MessagePack("fuzz", "Nope", 0, (ref MessagePackWriter _) => { })));
        inputs.Add(new Input("not MessagePack", Expect.SignalRClose, [3, 0xc1, 0xc1, 0xc1]));
        inputs.Add(new Input("unknown message type", Expect.Unanswered, [2, 0x91, 99]));
        inputs.Add(new Input("streaming invocation of a method that does not stream", Expect.SignalRError, RawFrames.MessagePack("fuzz", "Ping", 0, (ref MessagePackWriter _) => { }, type: 4)));
        inputs.Add(new Input("cancel of no invocation", Expect.SignalRError, [.. RawFrames.MessagePackCancel("nothing"), .. RawFrames.MessagePack("fuzz", "Nope", 0, (ref MessagePackWriter _) => { })]));
        return inputs;
    }

    private static byte[] MessagePackAt(string method, string field, RawFrames.WriteValue value) =>
        RawFrames.MessagePack("fuzz", method, 1, (ref MessagePackWriter w) =>
        {
            var positions = NeedsPositions(field);
            w.WriteMapHeader(positions ? 2 : 1);
            if (positions)
            {
                w.Write("positions");
                w.WriteArrayHeader(0);
            }

            if (Nested(field) is (var array, var name, var valid))
            {
                w.Write(array);
                w.WriteArrayHeader(1);
                var others = valid.Where(p => p.Name != name).ToList();
                w.WriteMapHeader(others.Count + 1);
                foreach (var (other, otherValue) in others)
                {
                    w.Write(other);
                    if (otherValue is string text)
                    {
                        w.Write(text);
                    }
                    else
                    {
                        w.Write((int)otherValue);
                    }
                }

                w.Write(name);
            }
            else
            {
                w.Write(field);
            }

            value(ref w);
        });

    private static void DeepArray(ref MessagePackWriter writer, int levels)
    {
        for (var i = 0; i < levels; i++)
        {
            writer.WriteArrayHeader(1);
        }

        writer.Write(1);
    }

    private static string Short(string value) => value.Length <= 40 ? value : $"{value[..20]}…({value.Length})";
}
