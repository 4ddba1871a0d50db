using SampleHost.Incidents;
using SampleHost.Services;

namespace SampleHost.Storage;

internal static class StorageServiceCollectionExtensions
{
    public static IServiceCollection AddSampleStorage(this IServiceCollection services)
    {
        services.AddSingleton<OrganizationStore<Service>>();
        services.AddSingleton<OrganizationStore<Incident>>();
        services.AddSingleton<OrganizationGate>();
        services.AddSingleton<ServiceCommands>();
        services.AddSingleton<IncidentCommands>();
        return services;
    }
}
