using System.Collections.Concurrent;

namespace SampleHost.Storage;

/// <summary>
/// Serializes the changes of one organization, including their broadcasts: events of one change are sent in
/// order (service-update, incident-update, status-update) and are never interleaved with another change's, and
/// the "did the status change?" comparison sees every change. Different organizations never wait for each other.
/// </summary>
internal sealed class OrganizationGate
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> gates = new(StringComparer.Ordinal);

    public async Task<Releaser> EnterAsync(string organizationId, CancellationToken cancellationToken)
    {
        var gate = gates.GetOrAdd(organizationId, static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Releaser(gate);
    }

    internal readonly struct Releaser(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}
