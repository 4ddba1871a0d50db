using System.Buffers;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TenantRealtime.MicroBench;

/// <summary>The payload of the end-to-end benchmark, so sizes match.</summary>
public sealed record BenchData(long N, long T, string P);

/// <summary>The bare hub's envelope, for the serialization baseline.</summary>
public sealed record BareEnvelope(string Type, BenchData Data, string Timestamp);

/// <summary>Id validation: the check every broadcast and hub argument pays.</summary>
[MemoryDiagnoser]
public class IdValidation
{
    private string _invalid = "t42:x";

    [Params("t42", "tenant-0123456789abcdef-0123456789abcdef-0123456789abcdef-01234")]
    public string Id { get; set; } = "t42";

    [GlobalSetup]
    public void Setup() => _invalid = Id[..^1] + ":";

    [Benchmark]
    public bool IsValid() => TenantIds.IsValid(Id);

    /// <summary>The same length with a ':' last: the worst case of a rejected id.</summary>
    [Benchmark]
    public bool IsValidInvalid() => TenantIds.IsValid(_invalid);
}

/// <summary>Room resolution on connect (DefaultRoomResolver through DI, as the hub calls it).</summary>
[MemoryDiagnoser]
public class RoomResolution
{
    private readonly IRoomResolver _resolver;
    private readonly TenantIdentity _member = new("u1", "o1", "t1", TenantRoles.Member);
    private readonly TenantIdentity _admin = new("u2", "o1", null, TenantRoles.Admin);

    public RoomResolution()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddTenantRealtime();
        _resolver = services.BuildServiceProvider().GetRequiredService<IRoomResolver>();
    }

    [Benchmark]
    public async ValueTask<int> Member() => (await _resolver.GetInitialRoomsAsync(_member, CancellationToken.None)).Count;

    [Benchmark]
    public async ValueTask<int> Admin() => (await _resolver.GetInitialRoomsAsync(_admin, CancellationToken.None)).Count;

    [Benchmark]
    public string RoomName() => TenantRoom.Tenant("o1", "t1").Name;
}

/// <summary>
/// Serialization: what SignalR does once per broadcast and protocol (JsonHubProtocol), for the library's envelope
/// and for the bare {type, data, timestamp} envelope.
/// </summary>
[MemoryDiagnoser]
public class EnvelopeSerialization
{
    private readonly JsonHubProtocol _json = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);

    /// <summary>Gets the last message written, as text (for the <c>sizes</c> command).</summary>
    public string LastText => System.Text.Encoding.UTF8.GetString(_buffer.WrittenSpan);
    private readonly BenchData _data = new(123456, 1767225600000000, "abcdefghijklmnopqrstuvwxyz");

    [Benchmark(Baseline = true)]
    public int Bare()
    {
        _buffer.ResetWrittenCount();
        var envelope = new BareEnvelope("tick", _data, DateTime.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        _json.WriteMessage(new InvocationMessage("bench", [envelope]), _buffer);
        return _buffer.WrittenCount;
    }

    [Benchmark]
    public int TenantEnvelope()
    {
        _buffer.ResetWrittenCount();
        var envelope = new TenantEnvelope("tick", _data, DateTime.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture), "tenant", "o1", "t1", null);
        _json.WriteMessage(new InvocationMessage("bench", [envelope]), _buffer);
        return _buffer.WrittenCount;
    }
}

/// <summary>
/// The library's own per-broadcast cost (validation, envelope, room names, logging) over bare IHubContext, with no
/// connections, so the per-recipient write path (SignalR's, the same for both) is excluded.
/// </summary>
[MemoryDiagnoser]
public class BroadcastOverhead
{
    private readonly ITenantBroadcaster _broadcaster;
    private readonly IHubContext<EmptyHub> _bare;
    private readonly BenchData _data = new(1, 2, "abcdefghijklmnopqrstuvwxyz");

    public BroadcastOverhead()
    {
        var services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddTenantRealtime();
        var provider = services.BuildServiceProvider();
        _broadcaster = provider.GetRequiredService<ITenantBroadcaster>();
        _bare = provider.GetRequiredService<IHubContext<EmptyHub>>();
        _ = provider.GetRequiredService<IOptions<HubOptions>>().Value;
    }

    [Benchmark(Baseline = true)]
    public Task BareGroupSend() =>
        _bare.Clients.Group("tenant:o1:t1").SendAsync("bench", new BareEnvelope("tick", _data, DateTime.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture)));

    [Benchmark]
    public Task TenantBroadcast() => _broadcaster.BroadcastToTenantAsync("o1", "t1", "bench", "tick", _data);

    [Benchmark]
    public Task OrganizationBroadcast() => _broadcaster.BroadcastToOrganizationAsync("o1", "bench", "tick", _data);
}

/// <summary>A hub type for the bare baseline.</summary>
public sealed class EmptyHub : Hub;

/// <summary>
/// The library's own cost of one <c>SetAsync</c> of a flapping key (most are merged into the key's next slot) beside one
/// tenant broadcast, with no connections: what a change costs before any recipient.
/// </summary>
[MemoryDiagnoser]
public class StateSetOverhead
{
    private readonly ITenantBroadcaster _broadcaster;
    private readonly ITenantState _state;
    private readonly StateRoom _room = StateRoom.Tenant("o1", "t1");
    private readonly BenchData _data = new(1, 2, "abcdefghijklmnopqrstuvwxyz");

    public StateSetOverhead()
    {
        var services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddTenantRealtime();
        var provider = services.BuildServiceProvider();
        _broadcaster = provider.GetRequiredService<ITenantBroadcaster>();
        _state = provider.GetRequiredService<ITenantState>();
    }

    [Benchmark(Baseline = true)]
    public Task TenantBroadcast() => _broadcaster.BroadcastToTenantAsync("o1", "t1", "bench", "tick", _data);

    [Benchmark]
    public Task SetFlappingKey() => _state.SetAsync(_room, "k0", _data);
}
