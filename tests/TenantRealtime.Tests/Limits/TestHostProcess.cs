namespace TenantRealtime.Tests.Limits;

/// <summary>
/// The TenantRealtime.TestHost server as a child process of its own, started under <c>prlimit --nofile</c> so its
/// open-file limit is low; on 127.0.0.1 with a port the OS picks. Killed by its handle when disposed.
/// </summary>
internal sealed class TestHostProcess : IAsyncDisposable
{
    private readonly TestHostChild _child;

    private TestHostProcess(TestHostChild child) => _child = child;

    public Uri BaseAddress => _child.BaseAddress;

    public Uri HubUrl => _child.HubUrl;

    public bool HasExited => _child.HasExited;

    /// <summary>Everything the process wrote, stdout and stderr, in arrival order.</summary>
    public string Output => _child.Output;

    /// <inheritdoc cref="TestHostChild.WaitForOutputAsync"/>
    public Task WaitForOutputAsync(string text) => _child.WaitForOutputAsync(text, RealtimeClient.DefaultTimeout);

    public static async Task<TestHostProcess> StartAsync(int openFileLimit)
    {
        var prlimit = new[] { "/usr/bin/prlimit", "/bin/prlimit" }.FirstOrDefault(File.Exists);
        prlimit.Should().NotBeNull("util-linux's prlimit sets the child's open-file limit (apt-get install util-linux)");

        // prlimit sets the limit (soft and hard) on itself, then execs dotnet: the server is this very process.
        return new TestHostProcess(await TestHostChild.StartAsync("ceiling", prlimit!, [$"--nofile={openFileLimit}:{openFileLimit}", "dotnet", TestHostChild.HostDll]));
    }

    public ValueTask DisposeAsync() => _child.DisposeAsync();
}
