using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace SampleHost.Tests.Abuse;

/// <summary>
/// A SignalR client that must receive nothing but sentinels, and presence events of its own scopes (the sample host
/// has presence on: its own arrival is announced to it). It registers handlers for those two only; every other event,
/// whatever its name, shows up as the client's own "MissingHandler" warning, which is captured.
/// </summary>
public sealed class Eavesdropper : IAsyncDisposable
{
    private readonly HubConnection connection;
    private readonly FakeLogCollector clientLogs;
    private readonly List<string> sentinels = [];
    private readonly List<string> presenceOrganizations = [];
    private readonly List<(string Marker, TaskCompletionSource Done)> waiters = [];
    private readonly object gate = new();

    private Eavesdropper(HubConnection connection, FakeLogCollector clientLogs)
    {
        this.connection = connection;
        this.clientLogs = clientLogs;
    }

    public static async Task<Eavesdropper> ConnectAsync(Uri hubUrl, string token)
    {
        var collector = new FakeLogCollector();
        var connection = new HubConnectionBuilder()
            .WithUrl(hubUrl, o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddProvider(new FakeLoggerProvider(collector)))
            .Build();
        var self = new Eavesdropper(connection, collector);
        connection.On<JsonElement>("sentinel", envelope => self.Record(envelope.GetProperty("type").GetString() ?? string.Empty));
        connection.On<JsonElement>("presence", envelope =>
        {
            lock (self.gate)
            {
                self.presenceOrganizations.Add(envelope.GetProperty("organizationId").GetString() ?? string.Empty);
            }
        });
        // No Ping: its "pong" would be an event without a handler. A sentinel shows when the rooms are in place.
        await connection.StartAsync();
        return self;
    }

    public HubConnectionState State => connection.State;

    /// <summary>The names of every event that arrived without a handler (anything but a sentinel).</summary>
    public IReadOnlyList<string> UnexpectedEvents =>
        [.. clientLogs.GetSnapshot().Where(r => r.Id.Name == "MissingHandler").Select(r => r.Message)];

    /// <summary>The organization of every presence event received: it must be the listener's own.</summary>
    public IReadOnlyList<string> PresenceOrganizations
    {
        get
        {
            lock (gate)
            {
                return [.. presenceOrganizations];
            }
        }
    }

    public Task WaitForSentinelAsync(string marker, TimeSpan timeout)
    {
        lock (gate)
        {
            if (sentinels.Contains(marker))
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters.Add((marker, done));
            return done.Task.WaitAsync(timeout);
        }
    }

    private void Record(string marker)
    {
        lock (gate)
        {
            sentinels.Add(marker);
            foreach (var waiter in waiters.Where(w => w.Marker == marker).ToList())
            {
                waiters.Remove(waiter);
                waiter.Done.TrySetResult();
            }
        }
    }

    public async ValueTask DisposeAsync() => await connection.DisposeAsync();
}
