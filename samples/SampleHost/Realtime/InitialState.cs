namespace SampleHost.Realtime;

/// <summary>
/// Sets the state of what the stores hold before the host takes requests: in memory the state starts empty with
/// every run, and a page renders from state only.
/// </summary>
internal sealed class InitialState(StatePublisher publisher) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => publisher.PublishAllAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
