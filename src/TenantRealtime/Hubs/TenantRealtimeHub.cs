using System.Globalization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TenantRealtime.Connections.Internal;
using TenantRealtime.Delivery;
using TenantRealtime.Diagnostics;
using TenantRealtime.Errors.Internal;
using TenantRealtime.Identity.Internal;
using TenantRealtime.Presence.Internal;
using TenantRealtime.Recovery;
using TenantRealtime.State.Internal;
using TenantRealtime.Topics.Internal;

namespace TenantRealtime.Hubs;

/// <summary>
/// The hub of the wire contract. Membership is decided here from the server-side identity; method arguments are
/// requests checked against it. Method bodies are split by concern into partial files.
/// </summary>
internal sealed partial class TenantRealtimeHub(
    ConnectionLifecycle lifecycle,
    IRoomResolver resolver,
    RoomMembership membership,
    IRoomHistory history,
    IGroupSubscriptions subscriptions,
    ILocalDelivery delivery,
    IPresence presence,
    PresenceTracker tracker,
    StateReader stateReader,
    IStateSync stateSync,
    TopicAccess topicAccess,
    TopicPresenceReader topicPresence,
    TenantRealtimeMetrics metrics,
    IOptionsMonitor<TenantRealtimeOptions> options,
    TimeProvider time,
    ILogger<TenantRealtimeHub> logger) : Microsoft.AspNetCore.SignalR.Hub
{
    public override async Task OnConnectedAsync()
    {
        await lifecycle.ConnectAsync(Context).ConfigureAwait(false);
        if (lifecycle.StateOf(Context) is { } state)
        {
            tracker.Connected(state);
        }
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        if (await lifecycle.DisconnectAsync(Context).ConfigureAwait(false) is { } state)
        {
            tracker.Disconnected(state);
        }
    }

    /// <summary><c>Ping()</c> → <c>{timestamp}</c>, and a <c>pong</c> event with the same payload.</summary>
    public async Task<Dictionary<string, object?>> Ping()
    {
        var result = new Dictionary<string, object?> { ["timestamp"] = Now() };
        await Clients.Caller.SendAsync(TenantRealtimeWire.Events.Pong, result, Context.ConnectionAborted).ConfigureAwait(false);
        return result;
    }

    private ConnectionState RequireIdentity(out TenantIdentity identity)
    {
        var state = lifecycle.StateOf(Context);
        identity = state?.Identity ?? throw HubErrors.Unauthenticated("this connection has no authenticated identity.");
        return state;
    }

    private string ReadOrganizationId(HubArgument argument, string method) =>
        ReadId(argument, "organizationId", method) ?? throw InvalidArgument(method, "'organizationId' is required.");

    /// <summary>An id argument: <see langword="null"/> when absent, the id when well-formed, <c>invalid-argument</c> otherwise.</summary>
    private string? ReadId(HubArgument argument, string name, string method)
    {
        var value = argument.GetString(name);
        var max = options.CurrentValue.MaxIdLength;
        return value is null || TenantIds.IsValid(value, max) ? value : throw InvalidArgument(method, Ids.Rule(name, max));
    }

    /// <summary>Reads a method's argument; every refusal of it, here or by the method, goes through <see cref="InvalidArgument"/>.</summary>
    private HubArgument Parse(object? request, string method, string shape) =>
        HubArgument.Parse(request, method, shape, sentence => InvalidArgument(method, sentence));

    /// <summary>An <c>invalid-argument</c> refusal, logged and counted as the method's other refusals are.</summary>
    private HubException InvalidArgument(string method, string sentence)
    {
        TenantRealtimeLog.InvalidArgument(logger, method, sentence);
        metrics.Refused(OperationOf(method), TenantRealtimeWire.Errors.InvalidArgument);
        return HubErrors.InvalidArgument(sentence);
    }

    /// <summary>The <c>tenantrealtime.operation</c> tag of a method's refusals.</summary>
    private static string OperationOf(string method) => method switch
    {
        nameof(Authenticate) => Operations.Authenticate,
        nameof(JoinOrganization) => Operations.Join,
        nameof(LeaveOrganization) => Operations.Leave,
        nameof(GetPresence) => Operations.Presence,
        nameof(Resume) => Operations.Resume,
        nameof(GetState) => Operations.State,
        nameof(Subscribe) => Operations.Subscribe,
        nameof(Unsubscribe) => Operations.Unsubscribe,
        _ => method,
    };

    /// <summary>The <c>tenantrealtime.operation</c> tags of the hub's refusals.</summary>
    private static class Operations
    {
        public const string Authenticate = "authenticate";
        public const string Join = "join";
        public const string Leave = "leave";
        public const string Presence = "presence";
        public const string Resume = "resume";
        public const string State = "state";
        public const string Subscribe = "subscribe";
        public const string Unsubscribe = "unsubscribe";
    }

    private string Now() => time.GetUtcNow().UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
}
