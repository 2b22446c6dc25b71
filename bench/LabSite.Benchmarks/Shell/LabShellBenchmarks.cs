using BenchmarkDotNet.Attributes;
using LabSite.Shell;
using LabSite.Shell.Parsing;

namespace LabSite.Benchmarks.Shell;

/// <summary>
/// The lab shell's own costs per typed line: parsing, and a whole <c>cat pods.txt | grep Running | wc -l</c> over a
/// 200-line listing (kubectl itself runs in the lab: <c>bench/LabSite.KubectlBench</c>).
/// </summary>
[MemoryDiagnoser]
public class LabShellBenchmarks
{
    private const string Line = "kubectl -n default exec tiefighter -- curl -s -XPOST 'deathstar.default.svc.cluster.local/v1/request-landing' && echo ok || echo \"failed\" > out.txt";

    private ShellInterpreter _shell = null!;
    private string _folder = null!;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("labsh-bench-").FullName;
        File.WriteAllLines(Path.Combine(_folder, "pods.txt"), Enumerable.Range(0, 200).Select(i => $"pod-{i}   1/1     {(i % 7 == 0 ? "Pending" : "Running")}   0          5m    10.0.0.{i % 250}   lab"));
        _shell = new ShellInterpreter(new ShellSession(new WorkingFolder(_folder), null, new ProcessToolRunner()));
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [Benchmark]
    public CommandList Parse() => ShellParser.ParseComplete(Line);

    [Benchmark]
    public Task<int> ListingPipeline() => _shell.RunAsync("cat pods.txt | grep Running | wc -l", TextWriter.Null, TextWriter.Null, CancellationToken.None);
}
