using System.Text.RegularExpressions;

namespace TenantRealtime.Packaging.Tests;

/// <summary>The repository the tests run from, and what its README says.</summary>
internal static partial class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Readme => File.ReadAllText(Path.Combine(Root, "README.md"));

    /// <summary>The C# block between <c>&lt;!-- {marker}:start --&gt;</c> and <c>&lt;!-- {marker}:end --&gt;</c> in the README.</summary>
    public static string ReadmeBlock(string marker)
    {
        var match = Regex.Match(Readme, $@"<!-- {marker}:start -->\s*```csharp\r?\n([\s\S]*?)```\s*<!-- {marker}:end -->");
        match.Success.Should().BeTrue($"README.md must have a C# block between the {marker} markers");
        return match.Groups[1].Value;
    }

    /// <summary>A version pinned in Directory.Packages.props, so the consumer uses what the repository tests with.</summary>
    public static string PinnedVersion(string package)
    {
        var props = File.ReadAllText(Path.Combine(Root, "Directory.Packages.props"));
        return Regex.Match(props, $"<PackageVersion Include=\"{Regex.Escape(package)}\" Version=\"([^\"]+)\"").Groups[1].Value;
    }

    /// <summary>Copies the sources needed to pack into <paramref name="destination"/>, without build outputs.</summary>
    public static void CopySourcesTo(string destination)
    {
        foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "nuget.config", "global.json", ".editorconfig", "LICENSE", "README.md" })
        {
            File.Copy(Path.Combine(Root, file), Path.Combine(destination, file));
        }

        CopyDirectory(Path.Combine(Root, "src"), Path.Combine(destination, "src"));
    }

    private static void CopyDirectory(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.GetDirectories(source).Where(d => Path.GetFileName(d) is not ("bin" or "obj")))
        {
            CopyDirectory(directory, Path.Combine(destination, Path.GetFileName(directory)));
        }
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TenantRealtime.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The tests must run from inside the repository (TenantRealtime.sln not found).");
    }
}
