using TenantRealtime.Testing.Architecture;

namespace TenantRealtime.Tests.Architecture;

/// <summary>
/// The core's folders have one direction: the composition root (Hosting) and the hub (Hubs) use the concepts, a
/// broadcast goes Broadcasting → Rooms → Recovery → Delivery, and no folder uses one that uses it.
/// </summary>
public sealed class FolderDirectionTests
{
    private static readonly Lazy<FolderGraph> Core = new(() =>
        FolderGraph.Of(typeof(TenantRealtimeOptions).Assembly, Path.Combine(RepositoryPaths.Root, "src", "TenantRealtime")));

    [Fact]
    public void NoTwoFoldersOfTheCoreUseEachOther()
    {
        Core.Value.TypeCount.Should().BeGreaterThan(100, "every type of the core is placed in its folder");
        Core.Value.UsesFolder("Hosting", "Delivery").Should().BeTrue("the dependencies are read: the composition root registers the lifetime manager");
        Core.Value.MutualPairs().Should().BeEmpty();
        Core.Value.Cycles().Should().BeEmpty("no longer chain of folders leads back either");
    }

    [Fact]
    public void ABroadcastOnlyMovesForward()
    {
        string[] path = ["Broadcasting", "Rooms", "Recovery", "Delivery"];
        for (var i = 0; i < path.Length; i++)
        {
            for (var j = 0; j < i; j++)
            {
                Core.Value.UsesFolder(path[i], path[j]).Should().BeFalse($"{path[i]} comes after {path[j]} on a broadcast's path");
            }
        }
    }

    [Fact]
    public void NoConceptUsesTheCompositionRootOrTheHub()
    {
        var users = Core.Value.Uses.Keys.Where(pair => pair.To is "Hosting" or "Hubs" && pair.From != "Hosting").ToList();
        users.Should().BeEmpty();
    }

    [Fact]
    public void TheRuleFindsFoldersThatUseEachOther()
    {
        var graph = FolderGraph.From(("A", "B", "N.X"), ("B", "A", "N.Y"), ("A", "C", "N.Z"), ("C", "D", "N.W"), ("D", "C", "N.V"), ("D", "E", "N.U"), ("E", "C", "N.T"));

        graph.MutualPairs().Should().Equal("A <-> B: X | Y", "C <-> D: W | V");
        graph.Cycles().Should().BeEquivalentTo("A -> B", "C -> D -> E");
    }
}
