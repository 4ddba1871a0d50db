using BenchmarkDotNet.Running;
using TenantRealtime.MicroBench;

// dotnet run -c Release --project bench/TenantRealtime.MicroBench -- --filter '*'
// (add --job short for a quick look; results land in BenchmarkDotNet.Artifacts/).
// `-- sizes` prints the bytes one broadcast puts on the wire per recipient (JSON hub protocol) for each envelope.
if (args is ["sizes"])
{
    var serialization = new EnvelopeSerialization();
    Console.WriteLine($"bare {{type,data,timestamp}}: {serialization.Bare()} bytes: {serialization.LastText}");
    Console.WriteLine($"TenantEnvelope (tenant scope): {serialization.TenantEnvelope()} bytes: {serialization.LastText}");
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
