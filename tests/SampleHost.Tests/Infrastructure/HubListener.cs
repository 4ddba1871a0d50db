using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace SampleHost.Tests.Infrastructure;

/// <summary>Records, in arrival order, every event a real SignalR client receives, and awaits them with a timeout.</summary>
public sealed class HubListener : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    // "service-update" and "status-update" are what the host sent before services and summaries became state: still
    // listened to, so a test can show that none arrives.
    private static readonly string[] Events = ["service-update", "incident-update", "status-update", "tenant-update", "sentinel", "custom-note"];

    private readonly HubConnection connection;
    private readonly List<ReceivedEvent> received = [];
    private readonly List<(Func<ReceivedEvent, bool> Match, TaskCompletionSource<ReceivedEvent> Done)> waiters = [];
    private readonly List<StateMessage> states = [];
    private readonly List<(Func<StateMessage, bool> Match, TaskCompletionSource<StateMessage> Done)> stateWaiters = [];
    private readonly object gate = new();

    public HubListener(HubConnection connection)
    {
        this.connection = connection;
        foreach (var name in Events)
        {
            connection.On<JsonElement>(name, envelope => Record(new ReceivedEvent(name, envelope)));
        }

        // Only a connection that called Authenticate gets its rooms' state (SampleHostServer.ListenAsync's withState).
        connection.On<JsonElement>("state", message => RecordState(new StateMessage(message)));
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

    /// <summary>The <c>state</c> messages received, in arrival order.</summary>
    public IReadOnlyList<StateMessage> States
    {
        get
        {
            lock (gate)
            {
                return [.. states];
            }
        }
    }

    /// <summary>Waits for the first state message (already received or not) that matches.</summary>
    public Task<StateMessage> WaitForStateAsync(Func<StateMessage, bool> match)
    {
        lock (gate)
        {
            var existing = states.FirstOrDefault(match);
            if (existing is not null)
            {
                return Task.FromResult(existing);
            }

            var done = new TaskCompletionSource<StateMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
            stateWaiters.Add((match, done));
            return done.Task.WaitAsync(Timeout);
        }
    }

    /// <summary>Waits until <paramref name="room"/>'s key has been set to a value that matches.</summary>
    public Task<StateMessage> WaitForValueAsync(string room, string key, Func<JsonElement, bool> match) =>
        WaitForStateAsync(m => m.Room == room && m.Set.TryGetValue(key, out var value) && match(value));

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

    private void RecordState(StateMessage message)
    {
        lock (gate)
        {
            states.Add(message);
            foreach (var waiter in stateWaiters.Where(w => w.Match(message)).ToList())
            {
                stateWaiters.Remove(waiter);
                waiter.Done.TrySetResult(message);
            }
        }
    }

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

/// <summary>A <c>state</c> message: a room's whole state (<see cref="Full"/>) or the keys set and removed in one change.</summary>
public sealed record StateMessage(JsonElement Message)
{
    public string? Room => Message.GetProperty("room").GetString();

    public bool Full => Message.GetProperty("full").GetBoolean();

    public IReadOnlyDictionary<string, JsonElement> Set =>
        Message.TryGetProperty("set", out var set) && set.ValueKind == JsonValueKind.Object
            ? set.EnumerateObject().ToDictionary(p => p.Name, p => p.Value)
            : new Dictionary<string, JsonElement>();

    public IReadOnlyList<string?> Removed =>
        Message.TryGetProperty("removed", out var removed) && removed.ValueKind == JsonValueKind.Array
            ? [.. removed.EnumerateArray().Select(k => k.GetString())]
            : [];

    /// <summary>Whether it sets or removes <paramref name="key"/>.</summary>
    public bool Changes(string key) => Set.ContainsKey(key) || Removed.Contains(key);

    public override string ToString() => Message.ToString();
}
