using System.Diagnostics;
using LabSite.Agent.Client;
using LabSite.Agent.Server;
using LabSite.Cli;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Shell;
using LabSite.Shell.Completion;
using Microsoft.Extensions.DependencyInjection;

// Usage (root), from the repository root, after scripts/setup.sh (the real kubectl in .tools/kubectl):
//   dotnet run -c Release --project bench/LabSite.KubectlBench -- [runs=30] [line="kubectl get pods"]
// Hosts an agent (netns backend) in this process, creates a Star Wars lab through its socket, then, alternating in
// the same run: the lab-shell line (the baseline), Tab after "kubectl get po" (kinds: discovery) and after
// "kubectl get pods " (pod names: a list), both through kubectl's __complete; prints p50/p95 and the ratios.
var runs = args.Length > 0 && int.TryParse(args[0], out var r) ? r : 30;
var line = args.Length > 1 ? args[1] : "kubectl get pods";
var ct = CancellationToken.None;

const string prefix = "kb";
var dir = Directory.CreateTempSubdirectory("labsite-kubectlbench-");
var socket = Path.Combine(dir.FullName, "agent.sock");
var agent = AgentHost.Build(new AgentOptions { SocketPath = socket, KubeApiPort = 0 }, services =>
{
    AgentBackends.Add(services);
    services.Configure<NetnsOptions>(o =>
    {
        o.NamePrefix = prefix;
        o.BpffsRoot = $"/sys/fs/bpf/labsite-{prefix}";
        o.CgroupRoot = $"/sys/fs/cgroup/unified/labsite-{prefix}";
        o.RunDirectory = $"/run/labsite-{prefix}";
    });
}, quiet: true);
await agent.StartAsync(ct);
using var client = new AgentClient(socket);
var manifests = Directory.CreateDirectory(Path.Combine(dir.FullName, "manifests")).FullName;
File.Copy("content/labs/starwars/manifests/http-sw-app.yaml", Path.Combine(manifests, "http-sw-app.yaml"));
var cluster = await client.CreateAsync(new ClusterRequest("kubectlbench", "starwars", manifests), null, ct);
try
{
    var work = Directory.CreateDirectory(Path.Combine(dir.FullName, "work")).FullName;
    var shell = new ShellInterpreter(new ShellSession(new WorkingFolder(work), cluster, new ProcessToolRunner()));
    var runner = (IKubectlRunner)cluster;
    var lineMs = new List<double>();
    var kindsMs = new List<double>();
    var namesMs = new List<double>();
    string lineOut = "", kinds = "", names = "";
    for (var i = -2; i < runs; i++) // two warm-up rounds
    {
        var (ms1, out1) = await TimeAsync(shell, line);
        var (ms2, out2) = await CompleteAsync(runner, ["get"], "po");
        var (ms3, out3) = await CompleteAsync(runner, ["get", "pods"], "");
        if (i >= 0)
        {
            lineMs.Add(ms1);
            kindsMs.Add(ms2);
            namesMs.Add(ms3);
        }
        (lineOut, kinds, names) = (out1, out2, out3);
    }
    Console.WriteLine($"runs: {runs} each, alternating, same lab");
    Console.WriteLine($"{line,-32} (baseline): {Summary(lineMs)}");
    Console.WriteLine($"{"Tab: kubectl get po",-32}           : {Summary(kindsMs)}   ratio to baseline at p50: {Median(kindsMs) / Median(lineMs):0.00}x");
    Console.WriteLine($"{"Tab: kubectl get pods ",-32}           : {Summary(namesMs)}   ratio to baseline at p50: {Median(namesMs) / Median(lineMs):0.00}x");
    Console.WriteLine($"--- {line} printed:\n{lineOut}--- get po<Tab> offered: {kinds}\n--- get pods <Tab> offered: {names}");
}
finally
{
    await client.DestroyAsync("kubectlbench", CancellationToken.None);
    await agent.StopAsync(CancellationToken.None);
    await agent.DisposeAsync();
    dir.Delete(recursive: true);
}
return 0;

static async Task<(double Ms, string Output)> TimeAsync(ShellInterpreter shell, string line)
{
    using var output = new StringWriter();
    var sw = Stopwatch.StartNew();
    var code = await shell.RunAsync(line, output, output, CancellationToken.None);
    var ms = sw.Elapsed.TotalMilliseconds;
    return code == 0 ? (ms, output.ToString()) : throw new InvalidOperationException($"{line} exited {code}: {output}");
}

static async Task<(double Ms, string Offered)> CompleteAsync(IKubectlRunner runner, string[] args, string word)
{
    var sw = Stopwatch.StartNew();
    var answer = await KubectlCompletion.AskAsync(runner, args, word, KubectlCompletion.Timeout, CancellationToken.None);
    var ms = sw.Elapsed.TotalMilliseconds;
    return answer.Values.Count > 0 ? (ms, string.Join(" ", answer.Values)) : throw new InvalidOperationException($"kubectl {string.Join(' ', args)} {word}<Tab> offered nothing ({answer.Directive})");
}

static double Median(List<double> ms) => Percentile(ms, 0.5);

static double Percentile(List<double> ms, double p)
{
    var sorted = ms.Order().ToList();
    return sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];
}

static string Summary(List<double> ms) => $"p50 {Median(ms),7:0.0} ms  p95 {Percentile(ms, 0.95),7:0.0} ms  min {ms.Min(),7:0.0} ms";
