using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;

namespace TenantRealtime.Tests.Hosting;

/// <summary>Thousands of random values sent to every hub method: each gets a clear answer, nothing leaks, nothing crashes.</summary>
public sealed partial class FuzzTests(FuzzTests.Host host) : IClassFixture<FuzzTests.Host>
{
    private const int ValuesPerMethod = 1500;
    private static readonly string[] Methods = ["Authenticate", "JoinOrganization", "LeaveOrganization", "Ping", "GetPresence", "Resume", "GetState", "Subscribe", "Unsubscribe"];

    private readonly RealtimeNode _node = host.Node;

    /// <summary>One server for the class's tests.</summary>
    public sealed class Host : IAsyncLifetime
    {
        public RealtimeNode Node { get; private set; } = null!;

        public async Task InitializeAsync() => Node = await RealtimeNode.StartAsync(new RealtimeNodeOptions
        {
            // The fuzz measures answers, not the rate limit (FloodTests covers that). Presence is on, so GetPresence answers
            // every value with its own rules rather than "disabled".
            Configure = o =>
            {
                o.InvocationsPerSecond = 100_000;
                o.InvocationBurst = 100_000;
                o.EnablePresence = true;
            },
        });

        public async Task DisposeAsync() => await Node.DisposeAsync();
    }

    [GeneratedRegex(@"HubException: (invalid-argument|forbidden|unauthenticated|limit-exceeded): \S")]
    private static partial Regex CodedError();

    // SignalR's own answers for a wrong argument count or a value it cannot bind.
    [GeneratedRegex(@"^Failed to invoke '\w+' due to an error on the server\.( InvalidDataException: .+)?$")]
    private static partial Regex SignalRBindingError();

    [Theory]
    [InlineData(HubProtocolKind.Json, 1)]
    [InlineData(HubProtocolKind.MessagePack, 2)]
    public async Task EveryRandomArgumentGetsAClearAnswerAndNothingLeaks(HubProtocolKind protocol, int seed)
    {
        await using var fuzzer = await RealtimeClient.ConnectAsync(_node.HubUrl, TestUser.Member("mallory", "org-a", "t1"), protocol, "news");
        await using var victim = await RealtimeClient.ConnectAsync(_node.HubUrl, TestUser.Member("bob", "org-b", "t1"), protocol, "news");
        var random = new RandomJson(seed);
        var unclear = new List<string>();

        foreach (var method in Methods)
        {
            // Values stay under the 32 KiB message limit: an over-size message closes the connection by design (LimitTests).
            var values = Enumerable.Range(0, ValuesPerMethod)
                .Select(_ => random.Next())
                .Where(value => (value?.ToJsonString().Length ?? 4) < 16_000)
                .Select(value => protocol == HubProtocolKind.Json ? (object?)value : ToMessagePackValue(value))
                .ToList();
            values.Count.Should().BeGreaterThan(ValuesPerMethod * 9 / 10);
            foreach (var batch in values.Chunk(100))
            {
                var calls = batch.Select(value => fuzzer.Connection.InvokeCoreAsync(method, typeof(object), [value])).ToList();
                foreach (var call in calls)
                {
                    try
                    {
                        await call;
                    }
                    catch (HubException ex) when (CodedError().IsMatch(ex.Message) || SignalRBindingError().IsMatch(ex.Message))
                    {
                    }
                    catch (Exception ex)
                    {
                        unclear.Add($"{method}: {ex.GetType().Name}: {ex.Message}");
                    }
                }
            }
        }

        unclear.Should().BeEmpty();
        fuzzer.Connection.State.Should().Be(Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Connected, "bad arguments never cost the connection");
        var rooms = (await fuzzer.InvokeAsync("Authenticate", new { }))["rooms"];
        rooms.Should().BeEquivalentTo(new[] { "org:org-a", "tenant:org-a:t1", "user:org-a:mallory" });

        await _node.Broadcaster.BroadcastToOrganizationAsync("org-b", "news", "created", "org-b");
        await _node.Broadcaster.BroadcastToTenantAsync("org-b", "t1", "news", "created", "b-t1");
        await Sentinel.FlushAsync(_node.Broadcaster, [fuzzer, victim]);
        fuzzer.Markers("news").Should().BeEmpty("no argument may place a client in another organization's rooms");
        victim.Markers("news").Should().Equal("org-b", "b-t1");

        var failures = _node.Logs.GetSnapshot()
            .Where(r => r.Level >= LogLevel.Error && r.Exception is not null && r.Exception is not HubException && r.Exception is not InvalidDataException)
            .Select(r => $"{r.Category}: {r.Exception}")
            .ToList();
        failures.Should().BeEmpty("every bad argument is a coded refusal, never an unhandled exception");
    }

    /// <summary>The same shapes as plain .NET values, so the MessagePack client serializes them as maps and arrays.</summary>
    private static object? ToMessagePackValue(System.Text.Json.Nodes.JsonNode? node) => node switch
    {
        null => null,
        System.Text.Json.Nodes.JsonObject o => o.ToDictionary(p => p.Key, p => ToMessagePackValue(p.Value)),
        System.Text.Json.Nodes.JsonArray a => a.Select(ToMessagePackValue).ToArray(),
        System.Text.Json.Nodes.JsonValue v when v.TryGetValue<string>(out var s) => s,
        System.Text.Json.Nodes.JsonValue v when v.TryGetValue<bool>(out var b) => b,
        System.Text.Json.Nodes.JsonValue v when v.TryGetValue<long>(out var l) => l,
        System.Text.Json.Nodes.JsonValue v when v.TryGetValue<double>(out var d) => d,
        _ => node.ToJsonString(),
    };
}
