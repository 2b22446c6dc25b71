using System.Reflection;
using BenchmarkDotNet.Running;

// Micro benchmarks: `dotnet run -c Release --project bench/LabSite.Benchmarks -- --filter '*'`.
// Macro: `dotnet run -c Release --project bench/LabSite.Benchmarks -- l7-proxy` (see L7Proxy/L7ProxyBenchmark.cs).
if (args.Length > 0 && LabSite.Benchmarks.L7Proxy.L7ProxyBenchmark.Modes.Contains(args[0]))
{
    return await LabSite.Benchmarks.L7Proxy.L7ProxyBenchmark.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(Assembly.GetExecutingAssembly()).Run(args);
return 0;
