namespace SampleHost.Status;

internal static class StatusServiceCollectionExtensions
{
    public static IServiceCollection AddSampleStatus(this IServiceCollection services) =>
        services.AddSingleton<StatusTracker>();
}
