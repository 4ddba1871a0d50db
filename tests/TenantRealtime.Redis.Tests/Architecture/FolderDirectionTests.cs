using TenantRealtime.Testing.Architecture;

namespace TenantRealtime.Redis.Tests.Architecture;

/// <summary>
/// The Redis package's folders have one direction: the composition root (Hosting) uses the concepts, numbering,
/// keeping, publishing and subscribing are one folder's job (Backplane), and no folder uses one that uses it.
/// </summary>
public sealed class FolderDirectionTests
{
    private static readonly Lazy<FolderGraph> Redis = new(() =>
        FolderGraph.Of(typeof(TenantRealtimeRedisOptions).Assembly, Path.Combine(RepositoryPaths.Root, "src", "TenantRealtime.Redis")));

    [Fact]
    public void NoTwoFoldersOfTheRedisPackageUseEachOther()
    {
        Redis.Value.TypeCount.Should().BeGreaterThan(40, "every type of the package is placed in its folder");
        Redis.Value.UsesFolder("Hosting", "Backplane").Should().BeTrue("the dependencies are read: the composition root registers the sender");
        Redis.Value.MutualPairs().Should().BeEmpty();
        Redis.Value.Cycles().Should().BeEmpty("no longer chain of folders leads back either");
    }

    [Fact]
    public void NoFolderUsesTheCompositionRoot() =>
        Redis.Value.Uses.Keys.Where(pair => pair.To == "Hosting").Should().BeEmpty();
}
