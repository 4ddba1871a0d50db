namespace TenantRealtime.Packaging.Tests;

/// <summary>
/// Both packages packed once per test run from a copy of the sources, with a version no earlier run used, so a
/// stale package in the NuGet cache can never be the one tested.
/// </summary>
public sealed class PackedFeed : IAsyncLifetime
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "tenantrealtime-feed-" + Guid.NewGuid().ToString("N"));

    /// <summary>Every package the repository ships.</summary>
    public static IReadOnlyList<string> PackageIds { get; } = ["TenantRealtime.Abstractions", "TenantRealtime", "TenantRealtime.Redis", "TenantRealtime.Client"];

    public string Version { get; } = $"0.1.0-consumer.{DateTime.UtcNow:yyyyMMddHHmmss}.{Random.Shared.Next(100_000)}";

    private string Sources => Path.Combine(Directory, "sources");

    public string Packages => Path.Combine(Directory, "packages");

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Sources);
        Repository.CopySourcesTo(Sources);
        foreach (var id in PackageIds)
        {
            var project = $"src/{id}/{id}.csproj";
            await Dotnet.RunAsync(Sources, "pack", project, "-c", "Release", "-o", Packages, $"-p:Version={Version}", "-p:ContinuousIntegrationBuild=true");
        }
    }

    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(Directory, recursive: true);

        // Leave no consumer-only versions behind in the user's NuGet cache.
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in PackageIds)
        {
            var cached = Path.Combine(cache, id.ToLowerInvariant(), Version);
            if (System.IO.Directory.Exists(cached))
            {
                System.IO.Directory.Delete(cached, recursive: true);
            }
        }

        return Task.CompletedTask;
    }
}
