using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace SampleHost.Tests.Infrastructure;

/// <summary>Records, in arrival order, every event a real SignalR client receives, and awaits them with a timeout.</summary>
public sealed class HubListener : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static readonly string[] Events = ["service-update", "incident-update", "status-update", "sentinel", "custom-note"];

    private readonly HubConnection connection;
    private readonly List<ReceivedEvent> received = [];
    private readonly List<(Func<ReceivedEvent, bool> Match, TaskCompletionSource<ReceivedEvent> Done)> waiters = [];
    private readonly object gate = new();

    public HubListener(HubConnection connection)
    {
        this.connection = connection;
        foreach (var name in Events)
        {
            connection.On<JsonElement>(name, envelope => Record(new ReceivedEvent(name, envelope)));
        }
    }

    public HubConnection Connection => connection;

    public IReadOnlyList<ReceivedEvent> Received
    {
        get
        {
            lock (gate)
            {
                return [.. received];
            }
        }
    }

    /// <summary>Waits for the first event (already received or not) that matches.</summary>
    public Task<ReceivedEvent> WaitForAsync(Func<ReceivedEvent, bool> match)
    {
        lock (gate)
        {
            var existing = received.FirstOrDefault(match);
            if (existing is not null)
            {
                return Task.FromResult(existing);
            }

            var done = new TaskCompletionSource<ReceivedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters.Add((match, done));
            return done.Task.WaitAsync(Timeout);
        }
    }

    public Task<ReceivedEvent> WaitForAsync(string name, string? type = null, string? dataId = null) =>
        WaitForAsync(e => e.Name == name && (type is null || e.Type == type) && (dataId is null || e.DataId == dataId));

    /// <summary>Waits for a sentinel sent after the action under test: once it arrives, anything the action sent has too.</summary>
    public Task<ReceivedEvent> WaitForSentinelAsync(string marker) =>
        WaitForAsync(e => e.Name == "sentinel" && e.Envelope.GetProperty("type").GetString() == marker);

    private void Record(ReceivedEvent e)
    {
        lock (gate)
        {
            received.Add(e);
            foreach (var waiter in waiters.Where(w => w.Match(e)).ToList())
            {
                waiters.Remove(waiter);
                waiter.Done.TrySetResult(e);
            }
        }
    }

    public async ValueTask DisposeAsync() => await connection.DisposeAsync();
}

public sealed record ReceivedEvent(string Name, JsonElement Envelope)
{
    public string? Type => Envelope.GetProperty("type").GetString();

    public JsonElement Data => Envelope.GetProperty("data");

    public string? DataId => Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty("id", out var id) ? id.GetString() : null;

    public override string ToString() => $"{Name}/{Type} {Data}";
}
