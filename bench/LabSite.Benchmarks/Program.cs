using System.Reflection;
using BenchmarkDotNet.Running;

// Micro benchmarks: `dotnet run -c Release --project bench/LabSite.Benchmarks -- --filter '*'`.
BenchmarkSwitcher.FromAssembly(Assembly.GetExecutingAssembly()).Run(args);
