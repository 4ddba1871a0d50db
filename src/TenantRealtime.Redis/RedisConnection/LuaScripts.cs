namespace TenantRealtime.Redis.RedisConnection;

/// <summary>
/// Reads the package's Lua scripts, kept as <c>.lua</c> files beside the code that runs them and embedded as resources
/// named <c>TenantRealtime.Redis.Lua.{file}</c> (see the project file), as centrifuge keeps its scripts. Each is read
/// once, into a static field of the class that runs it, and evaluated as the C# strings were before.
/// </summary>
internal static class LuaScripts
{
    public const string ResourcePrefix = "TenantRealtime.Redis.Lua.";

    /// <summary>Gets the names of every embedded script, for the test that pins them.</summary>
    public static IEnumerable<string> Names =>
        typeof(LuaScripts).Assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Select(name => name[ResourcePrefix.Length..]);

    /// <summary>The text of the embedded script <paramref name="file"/> (for example <c>history_append.lua</c>).</summary>
    public static string Load(string file)
    {
        using var stream = typeof(LuaScripts).Assembly.GetManifestResourceStream(ResourcePrefix + file)
            ?? throw new InvalidOperationException($"The Lua script '{file}' is not embedded in {typeof(LuaScripts).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        return text.Length > 0 ? text : throw new InvalidOperationException($"The embedded Lua script '{file}' is empty.");
    }
}
