using System.IO.Compression;
using System.Xml.Linq;

namespace TenantRealtime.Packaging.Tests;

/// <summary>What a user sees on NuGet: metadata, README, docs, symbols, and dependencies that add nothing the shared framework has.</summary>
[Collection(PackedFeedCollection.Name)]
public sealed class PackageTests(PackedFeed feed)
{
    public static TheoryData<string> Packages => new(PackedFeed.PackageIds);

    private XElement Nuspec(string id)
    {
        using var package = ZipFile.OpenRead(Path.Combine(feed.Packages, $"{id}.{feed.Version}.nupkg"));
        using var stream = package.GetEntry($"{id}.nuspec")!.Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static string? Value(XElement metadata, string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    [Theory]
    [MemberData(nameof(Packages))]
    public void ComeWithSymbolsReadmeAndXmlDocs(string id)
    {
        File.Exists(Path.Combine(feed.Packages, $"{id}.{feed.Version}.snupkg")).Should().BeTrue();
        using var package = ZipFile.OpenRead(Path.Combine(feed.Packages, $"{id}.{feed.Version}.nupkg"));
        package.Entries.Select(e => e.FullName).Should().Contain(["README.md", $"lib/net10.0/{id}.dll", $"lib/net10.0/{id}.xml"]);
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void DescribeThemselves(string id)
    {
        var metadata = Nuspec(id);

        Value(metadata, "version").Should().Be(feed.Version);
        Value(metadata, "description").Should().NotBeNullOrWhiteSpace();
        Value(metadata, "tags").Should().Contain("signalr").And.Contain("multi-tenant");
        Value(metadata, "license").Should().Be("MIT");
        Value(metadata, "projectUrl").Should().StartWith("https://");
        Value(metadata, "readme").Should().Be("README.md");
        // The commit is stamped by SourceLink when packing from a git checkout; these packages come from a copy.
        metadata.Elements().Single(e => e.Name.LocalName == "repository").Attribute("url")!.Value.Should().StartWith("https://");
    }

    private Dictionary<string, string> Dependencies(string id) => Nuspec(id).Descendants().Where(e => e.Name.LocalName == "dependency")
        .ToDictionary(e => e.Attribute("id")!.Value, e => e.Attribute("version")!.Value);

    [Fact]
    public void TheCoreDependsOnTheSharedFrameworkAndItsContractOnly()
    {
        var metadata = Nuspec("TenantRealtime");

        Dependencies("TenantRealtime").Should().BeEquivalentTo(new Dictionary<string, string> { ["TenantRealtime.Abstractions"] = $"[{feed.Version}]" });
        metadata.Descendants().Where(e => e.Name.LocalName == "frameworkReference").Select(e => e.Attribute("name")!.Value).Should().Equal("Microsoft.AspNetCore.App");
    }

    [Fact]
    public void TheContractAndTheClientNeedNoAspNetCoreSharedFramework()
    {
        Nuspec("TenantRealtime.Abstractions").Descendants().Should().NotContain(e => e.Name.LocalName == "frameworkReference" || e.Name.LocalName == "dependency");
        Nuspec("TenantRealtime.Client").Descendants().Should().NotContain(e => e.Name.LocalName == "frameworkReference");
        Dependencies("TenantRealtime.Client").Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["TenantRealtime.Abstractions"] = $"[{feed.Version}]",
            ["Microsoft.AspNetCore.SignalR.Client"] = Repository.PinnedVersion("Microsoft.AspNetCore.SignalR.Client"),
        });
    }

    [Fact]
    public void RedisDependsOnTheSameCoreVersionAndOnlyOnRedisPackages()
    {
        Dependencies("TenantRealtime.Redis").Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["TenantRealtime"] = $"[{feed.Version}]",
            ["Microsoft.AspNetCore.SignalR.StackExchangeRedis"] = Repository.PinnedVersion("Microsoft.AspNetCore.SignalR.StackExchangeRedis"),
            ["StackExchange.Redis"] = Repository.PinnedVersion("StackExchange.Redis"),
        });
    }
}

[CollectionDefinition(Name)]
public sealed class PackedFeedCollection : ICollectionFixture<PackedFeed>
{
    public const string Name = "packed feed";
}
