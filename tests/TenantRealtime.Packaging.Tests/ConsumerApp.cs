using System.Diagnostics;
using System.Text.RegularExpressions;

namespace TenantRealtime.Packaging.Tests;

/// <summary>
/// A fresh <c>dotnet new web</c> app whose Program.cs is the README quick start (or a <c>dotnet new console</c> app, for
/// the client), and whose only source for our packages is the packed folder.
/// </summary>
internal sealed partial class ConsumerApp : IAsyncDisposable
{
    private readonly List<Process> _running = [];

    private ConsumerApp(string directory) => Directory = directory;

    public string Directory { get; }

    public static Task<ConsumerApp> CreateAsync(PackedFeed feed, string programCs, params string[] packages) =>
        CreateAsync("web", feed, programCs, packages);

    /// <summary>A console app, as a .NET client user starts one: no ASP.NET Core shared framework.</summary>
    public static Task<ConsumerApp> CreateConsoleAsync(PackedFeed feed, string programCs, params string[] packages) =>
        CreateAsync("console", feed, programCs, packages);

    private static async Task<ConsumerApp> CreateAsync(string template, PackedFeed feed, string programCs, string[] packages)
    {
        var directory = Path.Combine(feed.Directory, "app-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(directory);
        await Dotnet.RunAsync(directory, "new", template, "--name", "ConsumerApp", "--output", ".", "--no-restore", "--framework", "net10.0");
        await File.WriteAllTextAsync(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="packed" value="{feed.Packages}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="packed">
                  <package pattern="TenantRealtime" />
                  <package pattern="TenantRealtime.*" />
                </packageSource>
                <packageSource key="nuget.org">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
            </configuration>
            """);

        var references = packages.Select(p => $"""    <PackageReference Include="{p}" Version="{(p.StartsWith("TenantRealtime", StringComparison.Ordinal) ? feed.Version : Repository.PinnedVersion(p))}" />""");
        var project = Path.Combine(directory, "ConsumerApp.csproj");
        var csproj = await File.ReadAllTextAsync(project);
        csproj = csproj.Replace("</Project>", $"  <ItemGroup>\n{string.Join("\n", references)}\n  </ItemGroup>\n</Project>", StringComparison.Ordinal);
        await File.WriteAllTextAsync(project, csproj);
        await File.WriteAllTextAsync(Path.Combine(directory, "Program.cs"), programCs);

        await Dotnet.RunAsync(directory, "build", "-c", "Release");
        return new ConsumerApp(directory);
    }

    /// <summary>Starts the built app on a free loopback port and returns its address once it listens.</summary>
    public async Task<Uri> StartAsync(IDictionary<string, string> environment)
    {
        var process = Dotnet.Start(Directory, ["bin/Release/net10.0/ConsumerApp.dll", "--urls", "http://127.0.0.1:0"], environment);
        _running.Add(process);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new List<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (log)
            {
                log.Add(e.Data);
            }

            if (Listening().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (log)
            {
                log.Add(e.Data ?? "");
            }
        };
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("The consumer app exited:\n" + string.Join("\n", log)));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Runs the built app with <paramref name="environment"/>; the caller reads its output. It is killed (if still running) and released on dispose.</summary>
    public Process Run(IDictionary<string, string> environment)
    {
        var process = Dotnet.Start(Directory, ["bin/Release/net10.0/ConsumerApp.dll"], environment);
        _running.Add(process);
        return process;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _running)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();
}
