using Microsoft.Extensions.Options;

namespace TenantRealtime.Tests;

/// <summary>Options that never change, for unit tests of types that take <see cref="IOptionsMonitor{T}"/>.</summary>
internal sealed class StaticOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
