using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using LabSite.Clusters.Contract;
using LabSite.Shell;
using LabSite.Shell.Parsing;

namespace LabSite.Benchmarks.Shell;

/// <summary>
/// The lab shell's own costs per typed line: parsing, and a whole <c>kubectl get pods -o wide | grep | wc -l</c>
/// over an in-memory cluster of 200 pods (no kernel, so the number is the shell's, not the backend's).
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
        _shell = new ShellInterpreter(new ShellSession(new WorkingFolder(_folder), new PodsCluster(200), new ProcessToolRunner()));
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [Benchmark]
    public CommandList Parse() => ShellParser.ParseComplete(Line);

    [Benchmark]
    public Task<int> GetPodsWidePipeline() => _shell.RunAsync("kubectl get pods -o wide | grep Running | wc -l", TextWriter.Null, TextWriter.Null, CancellationToken.None);

    /// <summary>Serves N running pods; nothing else.</summary>
    private sealed class PodsCluster(int count) : ILabCluster
    {
        private readonly IReadOnlyList<KubeObject> _pods = Enumerable.Range(0, count).Select(i => new KubeObject(JsonNode.Parse(
            """{"kind":"Pod","metadata":{"name":"pod-N","namespace":"default","creationTimestamp":"2026-11-22T12:00:00Z","labels":{"app":"aN"}},"spec":{"containers":[{"name":"c"}],"nodeName":"lab"},"status":{"phase":"Running","podIP":"10.0.0.1","containerStatuses":[{"name":"c","ready":true,"restartCount":0,"state":{"running":{}}}]}}"""
                .Replace("pod-N", $"pod-{i}").Replace("aN", $"a{i % 7}"))!.AsObject())).ToList();

        public string Name => "bench";

        public string Backend => "memory";

        public Task<ApplyResult> ApplyAsync(ManifestText manifests, ApplyMode mode, CancellationToken ct) => Task.FromResult(new ApplyResult([], []));

        public Task<IReadOnlyList<KubeObject>> GetAsync(ObjectQuery query, CancellationToken ct) => Task.FromResult(query.Kind == "pods" ? _pods : []);

        public Task<int> ExecAsync(ExecRequest request, ExecStreams streams, CancellationToken ct) => Task.FromResult(0);

        public Task<string> LogsAsync(string @namespace, string pod, int? tailLines, CancellationToken ct) => Task.FromResult("");
    }
}
