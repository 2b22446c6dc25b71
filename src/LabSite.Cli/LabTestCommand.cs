using System.CommandLine;
using LabSite.Agent.Client;
using LabSite.Agent.Server;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns;
using LabSite.Grader.Evaluation;
using LabSite.Grader.Testing;
using LabSite.Scenarios.Loading;
using LabSite.Scenarios.Model;
using LabSite.Web.Solutions;

namespace LabSite.Cli;

/// <summary>
/// <c>labsite lab test &lt;dir&gt;... [--backend netns|kind]</c>: for each lab that declares the backend, a fresh cluster there, then every step's checks before and
/// after its solution (<see cref="LabTestRunner"/>), then the cluster is destroyed. Exit 1 on any failure.
/// An agent runs in this process (on a socket of its own, the netns backend under its own name prefix and roots, so
/// it never touches a running agent's labs), so solutions run as a learner's terminal runs them: the real kubectl in
/// the lab's network against the lab's Kubernetes API, the grader through the agent's API.
/// </summary>
public static class LabTestCommand
{
    public static Command Create()
    {
        var dirs = new Argument<string[]>("dir")
        {
            Description = "content/labs (every lab under it) or single lab folders holding lab.md.",
            Arity = ArgumentArity.OneOrMore,
        };
        var backend = new Option<string>("--backend")
        {
            Description = "netns (default) or kind (real Cilium in kind; needs Docker, kind, helm, kubectl): labs whose backends: do not list it are skipped.",
            DefaultValueFactory = _ => "netns",
        };
        backend.AcceptOnlyFromAmong([.. FrontMatterReader.Backends]);
        var command = new Command("test", "Run each lab's solution on a fresh cluster; every check must fail before and pass after.") { dirs, backend };
        command.SetAction(async (ParseResult result, CancellationToken ct) =>
        {
            var config = result.InvocationConfiguration;
            var on = result.GetValue(backend)!;
            if (on == "kind" && new Doctor.HostChecks(Doctor.DoctorCommand.KindOptionsFromEnvironment()).MissingForKind() is { Count: > 0 } missing)
            {
                await config.Error.WriteLineAsync($"labsite lab test: the kind backend cannot run here: {string.Join("; ", missing)} (labsite doctor lists every gap)");
                return 1;
            }
            return await RunAsync(result.GetValue(dirs)!, config.Output, config.Error, ct, backend: on);
        });
        return command;
    }

    /// <summary>Tests the labs under <paramref name="paths"/>; <paramref name="options"/> overrides the backend's prefix and roots (tests).</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> paths, TextWriter output, TextWriter error, CancellationToken ct, NetnsOptions? options = null, string backend = "netns")
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var labs = Load(paths, error, out var loadFailures);
        foreach (var skipped in labs.Where(l => !l.Meta.Backends.Contains(backend)))
        {
            await output.WriteLineAsync($"lab {skipped.Id}: skipped, its backends: [{string.Join(", ", skipped.Meta.Backends)}] does not list {backend}");
        }
        labs = [.. labs.Where(l => l.Meta.Backends.Contains(backend))];
        if (labs.Count == 0)
        {
            await error.WriteLineAsync($"labsite lab test: no valid lab to test on {backend}");
            return 1;
        }

        options ??= Options();
        var folder = Directory.CreateTempSubdirectory("labsite-labtest-");
        var socket = Path.Combine(folder.FullName, "agent.sock");
        var netns = options;
        var agent = AgentHost.Build(new AgentOptions { SocketPath = socket, KubeApiPort = 0 }, services =>
        {
            AgentBackends.Add(services, kind: backend == "kind");
            services.Configure<NetnsOptions>(o =>
            {
                o.NamePrefix = netns.NamePrefix;
                o.BpffsRoot = netns.BpffsRoot;
                o.CgroupRoot = netns.CgroupRoot;
                o.RunDirectory = netns.RunDirectory;
            });
        }, quiet: true);
        var failed = loadFailures;
        try
        {
            await agent.StartAsync(ct);
            using var client = new AgentClient(socket);
            foreach (var lab in labs)
            {
                failed += await TestOneAsync(client, lab, backend, output, error, ct) ? 0 : 1;
            }
        }
        catch (ClusterException e)
        {
            await error.WriteLineAsync($"labsite lab test: {e.Message}");
            return 1;
        }
        finally
        {
            await agent.StopAsync(CancellationToken.None);
            await agent.DisposeAsync();
            folder.Delete(recursive: true);
            foreach (var root in new[] { options.BpffsRoot, options.CgroupRoot, options.RunDirectory })
            {
                TryDelete(root);
            }
        }
        await output.WriteLineAsync(failed == 0 ? $"{labs.Count} lab(s) passed" : $"{failed} of {labs.Count + loadFailures} lab(s) failed");
        return failed == 0 ? 0 : 1;
    }

    private static async Task<bool> TestOneAsync(AgentClient agent, Lab lab, string backend, TextWriter output, TextWriter error, CancellationToken ct)
    {
        await output.WriteLineAsync($"lab {lab.Id} ({lab.SourcePath})");
        using var work = new LabWorkingCopy(lab.Directory);
        ILabCluster? cluster = null;
        try
        {
            cluster = await agent.CreateAsync(new ClusterRequest($"t-{lab.Id}", lab.Id, OutsideHosts: lab.Meta.Outside, Nodes: lab.Meta.Nodes, Mesh: lab.Meta.Clusters), backend, null, ct);
            var runner = new LabTestRunner(new CheckEvaluator(), new ShellSolutionRunner(work.Path))
            {
                OnLine = line => output.WriteLine(line),
            };
            var report = await runner.RunAsync(lab, cluster, ct);
            var ok = report.Checks.Count(c => c.Ok);
            await output.WriteLineAsync($"lab {lab.Id}: {ok}/{report.Checks.Count} checks ok, {report.Problems.Count} solution problem(s)");
            return report.Passed;
        }
        catch (ClusterException e)
        {
            await error.WriteLineAsync($"labsite lab test {lab.Id}: {e.Message}");
            return false;
        }
        finally
        {
            if (cluster is not null)
            {
                await agent.DestroyAsync(cluster.Name, CancellationToken.None);
            }
        }
    }

    private static List<Lab> Load(IReadOnlyList<string> paths, TextWriter error, out int failures)
    {
        var labs = new List<Lab>();
        failures = 0;
        foreach (var path in paths)
        {
            var results = File.Exists(Path.Combine(path, LabLoader.FileName)) ? [LabLoader.Load(path)]
                : Directory.Exists(path) ? LabCatalogLoader.LoadAll(path)
                : [];
            if (results.Count == 0)
            {
                error.WriteLine($"{path}: error: no such directory (give content/labs or a lab folder holding {LabLoader.FileName})");
                failures++;
            }
            foreach (var r in results)
            {
                if (r.Lab is { } lab)
                {
                    labs.Add(lab);
                    continue;
                }
                failures++;
                foreach (var d in r.Diagnostics)
                {
                    error.WriteLine(d);
                }
            }
        }
        return labs;
    }

    // A prefix of its own: the backend's start-up garbage collection then only sees what earlier lab tests left.
    private static NetnsOptions Options()
    {
        const string prefix = "lt";
        return new NetnsOptions
        {
            NamePrefix = prefix,
            BpffsRoot = $"/sys/fs/bpf/labsite-{prefix}",
            CgroupRoot = $"/sys/fs/cgroup/unified/labsite-{prefix}",
            RunDirectory = $"/run/labsite-{prefix}",
        };
    }

    private static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir);
            }
        }
        catch (IOException)
        {
            // Not empty: a cluster could not be torn down fully; the next run's garbage collection removes it.
        }
    }
}
