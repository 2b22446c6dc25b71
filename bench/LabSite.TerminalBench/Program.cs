using LabSite.EndToEnd.Tests.Support;
using LabSite.TerminalBench;
using LabSite.Testing;

// Terminal macro benchmarks; run as root, Release (see README.md):
//   dotnet bin/Release/net10.0/LabSite.TerminalBench.dll all              everything below, the numbers in README.md
//   ... keys [samples=1000]          keystroke-to-echo over the terminal WebSocket vs. a WebSocket echo
//   ... commands [runs=30]           kubectl / hubble / bpftool typed into a Star Wars lab; labsite cluster shell -c
//   ... terminals [levels=50,100,200]  concurrent terminals, one learner and cluster each
// Each mode starts its own `labsite serve` (in-process agent, private netns prefix and roots) and stops it after.
var mode = args.FirstOrDefault() ?? "all";
int Arg(int index, int fallback) => args.Length > index && int.TryParse(args[index], out var v) ? v : fallback;
int[] levels = args.Length > 1 && mode == "terminals" ? args[1].Split(',').Select(int.Parse).ToArray() : [50, 100, 200];
using var cancel = new CancellationTokenSource(TimeSpan.FromHours(1));
var ct = cancel.Token;

if (mode is not ("all" or "keys" or "commands" or "terminals"))
{
    Console.Error.WriteLine("usage: LabSite.TerminalBench [all | keys [samples] | commands [runs] | terminals [50,100,200]]");
    return 2;
}
Console.WriteLine($"LabSite terminal benchmarks, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load {HostMemory.Load()}");
if (mode is "all" or "keys" or "commands")
{
    await using var site = await LabSiteProcess.StartAsync(RepositoryPaths.Content);
    if (mode is "all" or "keys")
    {
        await KeystrokeBenchmark.RunAsync(site.BaseAddress, Arg(1, 1000), ct);
    }
    if (mode is "all" or "commands")
    {
        await CommandBenchmark.RunAsync(site, Arg(1, 30), ct);
    }
}
if (mode is "all" or "terminals")
{
    // A host's default is 100 clusters; the largest level needs one slot per learner (LabAddressing allows 200).
    var environment = new Dictionary<string, string> { ["NetnsOptions__MaxClusters"] = levels.Max().ToString() };
    await using var site = await LabSiteProcess.StartAsync(RepositoryPaths.Content, environment);
    await ConcurrencyBenchmark.RunAsync(site, levels, ct);
}
return 0;
