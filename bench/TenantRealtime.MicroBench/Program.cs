using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/TenantRealtime.MicroBench -- --filter '*'
// (add --job short for a quick look; results land in BenchmarkDotNet.Artifacts/).
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
