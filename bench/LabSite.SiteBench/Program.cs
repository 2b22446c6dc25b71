using System.Globalization;
using LabSite.EndToEnd.Tests.Support;
using LabSite.SiteBench;
using LabSite.TerminalBench;
using LabSite.Testing;

// Site macro benchmarks (root, Release), from bench/LabSite.SiteBench:
//   dotnet bin/Release/net10.0/LabSite.SiteBench.dll flowmap [samples=30]
//   dotnet bin/Release/net10.0/LabSite.SiteBench.dll circuits [levels=50,100,200]
// Each mode starts its own `labsite serve` (in-process agent, netns backend) with the end-to-end tests' launcher.
// Numbers measured are in README.md next to this file.
var mode = args.Length > 0 ? args[0] : "flowmap";
Console.WriteLine($"LabSite site benchmark '{mode}', {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load {HostMemory.Load()}");
using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(40));
switch (mode)
{
    case "flowmap":
    {
        var samples = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 30;
        await using var site = await LabSiteProcess.StartAsync(RepositoryPaths.Content);
        await FlowMapLatency.RunAsync(site, samples, cancel.Token);
        return 0;
    }
    case "circuits":
    {
        var levels = (args.Length > 1 ? args[1] : "50,100,200").Split(',').Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToArray();
        await using var site = await LabSiteProcess.StartAsync(RepositoryPaths.Content);
        await CircuitMemory.RunAsync(site, levels, cancel.Token);
        return 0;
    }
    default:
        Console.Error.WriteLine($"unknown mode '{mode}': flowmap or circuits");
        return 2;
}
