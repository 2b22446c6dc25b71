using System.Reflection;
using BenchmarkDotNet.Running;

// Micro benchmarks: `dotnet run -c Release --project bench/LabSite.Benchmarks -- --filter '*'`.
// Macro: `dotnet run -c Release --project bench/LabSite.Benchmarks -- l7-proxy` (see L7Proxy/L7ProxyBenchmark.cs),
// `-- kube-api` (the labs' Kubernetes API: see KubeApi/KubeApiBenchmark.cs).
if (args.Length > 0 && LabSite.Benchmarks.L7Proxy.L7ProxyBenchmark.Modes.Contains(args[0]))
{
    return await LabSite.Benchmarks.L7Proxy.L7ProxyBenchmark.RunAsync(args);
}

if (args.Length > 0 && args[0] == LabSite.Benchmarks.KubeApi.KubeApiBenchmark.Mode)
{
    return await LabSite.Benchmarks.KubeApi.KubeApiBenchmark.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(Assembly.GetExecutingAssembly()).Run(args);
return 0;
