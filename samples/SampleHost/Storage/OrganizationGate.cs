using System.Collections.Concurrent;

namespace SampleHost.Storage;

/// <summary>
/// Serializes the changes of one organization, including their state and broadcasts: a key's changes are set in
/// order, one change's messages are never interleaved with another's, and the "did the status change?" comparison
/// sees every change. Different organizations never wait for each other.
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
