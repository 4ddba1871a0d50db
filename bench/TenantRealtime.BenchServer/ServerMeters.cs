using System.Diagnostics.Metrics;

namespace TenantRealtime.BenchServer;

/// <summary>
/// The library's own instruments the harness reads (slow-consumer): <c>tenantrealtime.send.backlog</c> (bytes waiting
/// to be written to connections that read slower than they are sent to), sampled every 50 ms for its peak, and the
/// connections closed as <c>slow-consumer</c>. Read through a <see cref="MeterListener"/>, as an exporter would.
/// </summary>
internal sealed class ServerMeters : IDisposable
{
    private const string Backlog = "tenantrealtime.send.backlog";
    private const string ClosedByServer = "tenantrealtime.connections.closed_by_server";

    private readonly MeterListener _listener = new();
    private readonly Timer _sampler;
    private long _backlog;
    private long _peakBacklog;
    private long _slowConsumerClosed;

    public ServerMeters()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name is Backlog or ClosedByServer)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();

        // An observable gauge reports only when collected: collect it every 50 ms, so a backlog that builds and is cut
        // off between two reads of the harness still shows in the peak.
        _sampler = new Timer(_ => _listener.RecordObservableInstruments(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(50));
    }

    /// <summary>Gets the bytes waiting at the last sample.</summary>
    public long BacklogBytes => Interlocked.Read(ref _backlog);

    /// <summary>Gets the most bytes waiting at any sample since <see cref="ResetPeak"/>.</summary>
    public long PeakBacklogBytes => Interlocked.Read(ref _peakBacklog);

    /// <summary>Gets the connections closed as slow-consumer since the server started.</summary>
    public long SlowConsumerClosed => Interlocked.Read(ref _slowConsumerClosed);

    public void ResetPeak() => Interlocked.Exchange(ref _peakBacklog, Interlocked.Read(ref _backlog));

    public void Dispose()
    {
        _sampler.Dispose();
        _listener.Dispose();
    }

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (instrument.Name == Backlog)
        {
            Interlocked.Exchange(ref _backlog, value);
            long peak;
            while (value > (peak = Interlocked.Read(ref _peakBacklog)) && Interlocked.CompareExchange(ref _peakBacklog, value, peak) != peak)
            {
            }

            return;
        }

        foreach (var tag in tags)
        {
            if (tag.Key == "tenantrealtime.reason" && tag.Value as string == "slow-consumer")
            {
                Interlocked.Add(ref _slowConsumerClosed, value);
            }
        }
    }
}
