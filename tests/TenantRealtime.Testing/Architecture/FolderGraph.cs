using System.Text.RegularExpressions;
using ArchUnitNET.Loader;

namespace TenantRealtime.Testing.Architecture;

/// <summary>
/// Which top-level folders of a package use each other. Dependencies come from the compiled assembly (ArchUnitNET reads
/// the IL: signatures, fields, method bodies, attributes), so nothing is guessed from text; each type is placed in the
/// folder of the source file that declares it, because public types keep the <c>TenantRealtime</c> namespace whatever
/// their folder and a namespace rule alone would pass falsely.
/// </summary>
public sealed partial class FolderGraph
{
    private readonly Dictionary<(string From, string To), SortedSet<string>> _uses = [];

    private FolderGraph()
    {
    }

    /// <summary>Gets the number of types placed in a folder.</summary>
    public int TypeCount { get; private set; }

    /// <summary>Gets each (folder, folder) pair where the first uses the second, with the types it uses.</summary>
    public IReadOnlyDictionary<(string From, string To), SortedSet<string>> Uses => _uses;

    /// <summary>The graph of <paramref name="assembly"/>, whose sources are in <paramref name="sourceDirectory"/>.</summary>
    public static FolderGraph Of(System.Reflection.Assembly assembly, string sourceDirectory)
    {
        var folders = FoldersOfTypes(sourceDirectory);
        var architecture = new ArchLoader().LoadAssemblies(assembly).Build();
        var graph = new FolderGraph();
        foreach (var type in architecture.Types)
        {
            if (!folders.TryGetValue(TopLevelName(type.FullName), out var from))
            {
                continue;
            }

            graph.TypeCount++;
            foreach (var dependency in type.Dependencies)
            {
                var target = TopLevelName(dependency.Target.FullName);
                if (folders.TryGetValue(target, out var to))
                {
                    graph.Add(from, to, target);
                }
            }
        }

        return graph;
    }

    /// <summary>A graph of the given uses, for testing the rule itself.</summary>
    public static FolderGraph From(params (string From, string To, string Type)[] uses)
    {
        var graph = new FolderGraph();
        foreach (var (from, to, type) in uses)
        {
            graph.Add(from, to, type);
        }

        return graph;
    }

    /// <summary>The pairs of folders that use each other, each once, with what each side uses of the other.</summary>
    public IReadOnlyList<string> MutualPairs() =>
        [.. _uses.Keys
            .Where(pair => string.CompareOrdinal(pair.From, pair.To) < 0 && _uses.ContainsKey((pair.To, pair.From)))
            .OrderBy(pair => pair.From, StringComparer.Ordinal).ThenBy(pair => pair.To, StringComparer.Ordinal)
            .Select(pair => $"{pair.From} <-> {pair.To}: {string.Join(", ", _uses[pair])} | {string.Join(", ", _uses[(pair.To, pair.From)])}")];

    /// <summary>
    /// The folders on a cycle of any length (strongly connected components of more than one folder), each as a sorted
    /// list: a folder graph with a direction has none.
    /// </summary>
    public IReadOnlyList<string> Cycles()
    {
        var next = _uses.Keys.GroupBy(pair => pair.From).ToDictionary(g => g.Key, g => g.Select(pair => pair.To).ToList());
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var cycles = new List<string>();

        void Visit(string folder)
        {
            index[folder] = low[folder] = index.Count;
            stack.Push(folder);
            foreach (var to in next.GetValueOrDefault(folder) ?? [])
            {
                if (!index.TryGetValue(to, out var reached))
                {
                    Visit(to);
                    low[folder] = Math.Min(low[folder], low[to]);
                }
                else if (stack.Contains(to))
                {
                    low[folder] = Math.Min(low[folder], reached);
                }
            }

            if (low[folder] == index[folder])
            {
                var component = new List<string>();
                string popped;
                do
                {
                    popped = stack.Pop();
                    component.Add(popped);
                }
                while (popped != folder);
                if (component.Count > 1)
                {
                    cycles.Add(string.Join(" -> ", component.Order(StringComparer.Ordinal)));
                }
            }
        }

        foreach (var folder in next.Keys.Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(folder))
            {
                Visit(folder);
            }
        }

        return cycles;
    }

    /// <summary>Whether <paramref name="from"/> uses <paramref name="to"/>.</summary>
    public bool UsesFolder(string from, string to) => _uses.ContainsKey((from, to));

    private void Add(string from, string to, string type)
    {
        if (from == to)
        {
            return;
        }

        if (!_uses.TryGetValue((from, to), out var types))
        {
            _uses[(from, to)] = types = new SortedSet<string>(StringComparer.Ordinal);
        }

        types.Add(type[(type.LastIndexOf('.') + 1)..]);
    }

    /// <summary>Every type declared in the package's sources (namespace-qualified) and its top-level folder.</summary>
    private static Dictionary<string, string> FoldersOfTypes(string sourceDirectory)
    {
        var folders = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(sourceDirectory, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(sourceDirectory, file).Split(Path.DirectorySeparatorChar);
            if (relative.Length < 2 || relative[0] is "bin" or "obj")
            {
                continue;
            }

            var text = File.ReadAllText(file);
            var ns = Namespace().Match(text) is { Success: true } match ? match.Groups[1].Value : "";
            foreach (Match declaration in TopLevelDeclaration().Matches(text))
            {
                var name = $"{ns}.{declaration.Groups[1].Value}";

                // Partial files of one type must share a folder, or the type would belong to two.
                if (folders.TryGetValue(name, out var earlier) && earlier != relative[0])
                {
                    throw new InvalidOperationException($"{name} is declared in both {earlier}/ and {relative[0]}/.");
                }

                folders[name] = relative[0];
            }
        }

        return folders;
    }

    /// <summary>The namespace-qualified name of the top-level type that declares <paramref name="fullName"/>, without generic arity.</summary>
    private static string TopLevelName(string fullName)
    {
        var end = fullName.IndexOfAny(['/', '+', '`', '<']);
        return end < 0 ? fullName : fullName[..end];
    }

    [GeneratedRegex(@"^namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex Namespace();

    // File-scoped namespaces put top-level declarations at column 0; nested ones are indented.
    [GeneratedRegex(@"^(?:(?:public|internal|sealed|static|abstract|partial|readonly|file|ref|unsafe)\s+)*(?:class|struct|interface|enum|record(?:\s+struct|\s+class)?|delegate\s+[\w<>\[\]?,\s]+?)\s+(\w+)", RegexOptions.Multiline)]
    private static partial Regex TopLevelDeclaration();
}
