using System.Diagnostics.Metrics;

namespace TenantRealtime.TestHost;

/// <summary>
/// Reads the Redis package's outbox gauge as any metrics exporter would, through a <see cref="MeterListener"/>:
/// the number of broadcasts this server holds for Redis, which a crash of the server would lose.
/// </summary>
internal sealed class OutboxGauge : IDisposable
{
    public const string MeterName = "TenantRealtime.Redis";

    public const string InstrumentName = "tenantrealtime.redis.outbox.size";

    private readonly MeterListener _listener = new();
    private readonly Lock _lock = new();
    private long? _observed;

    public OutboxGauge()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MeterName && instrument.Name == InstrumentName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((_, value, _, _) => _observed = value);
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => _observed = value);
        _listener.Start();
    }

    /// <summary>The outbox's current length, or <see langword="null"/> when the gauge is not published (no Redis).</summary>
    public long? Read()
    {
        lock (_lock)
        {
            _observed = null;

            // Observable instruments report only when asked; the callbacks run on this thread before it returns.
            _listener.RecordObservableInstruments();
            return _observed;
        }
    }

    public void Dispose() => _listener.Dispose();
}
