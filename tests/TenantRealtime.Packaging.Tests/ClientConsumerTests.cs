using System.Threading.Channels;

namespace TenantRealtime.Packaging.Tests;

/// <summary>
/// The .NET client as its users get it: a fresh console app that references only the packed <c>TenantRealtime.Client</c>
/// and <c>TenantRealtime.Abstractions</c>, connecting to a live server with a token and receiving a tenant broadcast.
/// </summary>
[Collection(PackedFeedCollection.Name)]
public sealed class ClientConsumerTests(PackedFeed feed)
{
    // The package README's quick start, with the hub URL and token from the environment, and lines that tell the
    // test where it is: "ready" once started (with the room positions it learned), then the event, then it exits.
    private const string Program = """
        using TenantRealtime;
        using TenantRealtime.Client;

        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = new TenantRealtimeClient(new TenantRealtimeClientOptions
        {
            HubUrl = new Uri(Environment.GetEnvironmentVariable("HUB_URL")!),
            AccessTokenProvider = () => Task.FromResult(Environment.GetEnvironmentVariable("STATUS_TOKEN")),
        });

        client.On<Incident>("incident-update", e =>
        {
            Console.WriteLine($"event {e.Type} {e.TenantId} {e.Room} {e.Seq} {e.Data?.Name}");
            received.TrySetResult();
        });
        client.ReloadRequired += e =>
        {
            Console.WriteLine($"reload {e.Room} {e.Reason}");
            return Task.CompletedTask;
        };

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await client.StartAsync(timeout.Token);
        var identity = await client.InvokeAsync<AuthenticateResult>(TenantRealtimeWire.Methods.Authenticate, [new Dictionary<string, object>()], timeout.Token);
        Console.WriteLine($"ready {identity.UserId} {string.Join(",", client.Positions.Select(p => $"{p.Room}#{p.Seq}").Order())}");
        await received.Task.WaitAsync(timeout.Token);

        public sealed class Incident
        {
            public string Id { get; set; } = "";

            public string Name { get; set; } = "";

            public string Status { get; set; } = "";
        }
        """;

    [Fact]
    public async Task AConsoleAppWithThePackedClientReceivesATenantEvent()
    {
        await using var app = await ConsumerApp.CreateConsoleAsync(feed, Program, "TenantRealtime.Client", "TenantRealtime.Abstractions");
        await using var server = await RealtimeNode.StartAsync();
        var alice = TestUser.Member("alice", "org-a", "t1");
        var process = app.Run(new Dictionary<string, string> { ["HUB_URL"] = server.HubUrl.ToString(), ["STATUS_TOKEN"] = alice.Token() });
        var lines = Channel.CreateUnbounded<string>();
        var output = new List<string>();
        process.OutputDataReceived += (_, e) => Record(e.Data);
        process.ErrorDataReceived += (_, e) => Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var ready = await NextLineAsync(lines, output, "ready ");
        await server.Broadcaster.BroadcastToTenantAsync("org-a", "t1", "incident-update", "created", new { Id = "i-1", Name = "API outage", Status = "investigating" });
        await server.Broadcaster.BroadcastToTenantAsync("org-a", "t2", "incident-update", "created", new { Id = "i-2", Name = "not for t1", Status = "investigating" });
        var received = await NextLineAsync(lines, output, "event ");
        using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(exit.Token);

        ready.Should().Be("ready alice org:org-a#0,tenant:org-a:t1#0,user:org-a:alice#0", "the client learned every room's position at start");
        received.Should().Be("event created t1 tenant:org-a:t1 1 API outage");
        process.ExitCode.Should().Be(0, string.Join("\n", output));
        output.Should().NotContain(line => line.StartsWith("reload ", StringComparison.Ordinal));

        void Record(string? line)
        {
            if (line is not null)
            {
                lock (output)
                {
                    output.Add(line);
                }

                lines.Writer.TryWrite(line);
            }
        }
    }

    private static async Task<string> NextLineAsync(Channel<string> lines, List<string> output, string prefix)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while (true)
            {
                var line = await lines.Reader.ReadAsync(timeout.Token);
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return line;
                }
            }
        }
        catch (OperationCanceledException)
        {
            lock (output)
            {
                throw new TimeoutException($"The consumer app printed no line starting '{prefix}'. Its output:\n{string.Join("\n", output)}");
            }
        }
    }
}
