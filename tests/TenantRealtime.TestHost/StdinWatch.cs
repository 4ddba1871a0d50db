namespace TenantRealtime.TestHost;

internal static class StdinWatch
{
    /// <summary>Stops the host once standard input reaches its end (the parent closed it, or exited).</summary>
    public static void StopWhenStdinCloses(IHostApplicationLifetime lifetime) =>
        _ = Task.Factory.StartNew(
            () =>
            {
                // Console input has no truly asynchronous read: a thread of its own waits for the end.
                using var input = Console.OpenStandardInput();
                input.CopyTo(Stream.Null);
                lifetime.StopApplication();
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
}
