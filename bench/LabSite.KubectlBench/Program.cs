using System.Diagnostics;
using LabSite.Agent.Client;
using LabSite.Agent.Server;
using LabSite.Cli;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns;
using LabSite.Shell;
using Microsoft.Extensions.DependencyInjection;

// Usage (root), from the repository root, after scripts/setup.sh (the real kubectl in .tools/kubectl):
//   dotnet run -c Release --project bench/LabSite.KubectlBench -- [runs=30] [line="kubectl get pods"]
// Hosts an agent (netns backend) in this process, creates a Star Wars lab through its socket, then runs the same
// lab-shell line with the real kubectl and with the shell's C# kubectl, alternating, and prints p50/p95 and the ratio.
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
    var real = new ShellInterpreter(new ShellSession(new WorkingFolder(work), cluster, new ProcessToolRunner()) { UseRealKubectl = true });
    var builtIn = new ShellInterpreter(new ShellSession(new WorkingFolder(work), cluster, new ProcessToolRunner()) { UseRealKubectl = false });
    var realMs = new List<double>();
    var builtInMs = new List<double>();
    string realOut = "", builtInOut = "";
    for (var i = -2; i < runs; i++) // two warm-up rounds
    {
        var (ms1, out1) = await TimeAsync(real, line);
        var (ms2, out2) = await TimeAsync(builtIn, line);
        if (i >= 0)
        {
            realMs.Add(ms1);
            builtInMs.Add(ms2);
        }
        (realOut, builtInOut) = (out1, out2);
    }
    Console.WriteLine($"line: {line}   runs: {runs} each, alternating, same lab");
    Console.WriteLine($"real kubectl (sandboxed, in-cluster API): {Summary(realMs)}");
    Console.WriteLine($"C# kubectl (agent JSON API):              {Summary(builtInMs)}");
    Console.WriteLine($"ratio real / C# at p50: {Median(realMs) / Median(builtInMs):0.0}x");
    Console.WriteLine("--- real kubectl printed:\n" + realOut + "--- C# kubectl printed:\n" + builtInOut);
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

static double Median(List<double> ms) => Percentile(ms, 0.5);

static double Percentile(List<double> ms, double p)
{
    var sorted = ms.Order().ToList();
    return sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];
}

static string Summary(List<double> ms) => $"p50 {Median(ms),7:0.0} ms  p95 {Percentile(ms, 0.95),7:0.0} ms  min {ms.Min(),7:0.0} ms";
