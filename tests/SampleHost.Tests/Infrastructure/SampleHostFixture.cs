namespace SampleHost.Tests.Infrastructure;

/// <summary>One empty (unseeded) Development host shared by the API and hub tests; each test uses its own organizations.</summary>
public sealed class SampleHostFixture : IAsyncLifetime
{
    public SampleHostServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await SampleHostServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SampleHostCollection : ICollectionFixture<SampleHostFixture>
{
    public const string Name = "Sample host";
}
