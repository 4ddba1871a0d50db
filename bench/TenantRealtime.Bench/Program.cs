using TenantRealtime.Bench;

// dotnet run -c Release --project bench/TenantRealtime.Bench -- --target <t> --scenario <s> --connections N --tenants T
//     --rate R --duration S --json <file>                       one measured run (servers and client as processes)
// ... -- client [options]                                        the .NET load client (started by the run itself)
// ... -- stalled [options]                                       slow-consumer's stalled readers (started by the run itself)
// ... -- report --dir <results> --baseline <target> --out <md>  side-by-side table (+ SVG chart) of many runs
try
{
    if (args.Length > 0 && args[0] == "client")
    {
        return await LoadClient.RunAsync(CommandLine.Parse(args[1..]));
    }

    if (args.Length > 0 && args[0] == "stalled")
    {
        return await StalledReaders.RunAsync(CommandLine.Parse(args[1..]));
    }

    if (args.Length > 0 && args[0] == "report")
    {
        return ReportCommand.Run(CommandLine.Parse(args[1..]));
    }

    return await BenchRun.RunAsync(RunOptions.From(CommandLine.Parse(args)));
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync($"bench: {ex.Message}");
    await Console.Error.WriteLineAsync(RunOptions.Usage);
    return 2;
}
