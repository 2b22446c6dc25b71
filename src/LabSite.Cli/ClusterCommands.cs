using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using LabSite.Agent.Client;
using LabSite.Cli.Terminal;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Contract.Kubernetes.Tables;
using LabSite.Shell;

namespace LabSite.Cli;

/// <summary>
/// <c>labsite cluster up|apply|delete|get|exec|logs|flows|endpoints|down|list|gc</c>: drive lab clusters through the
/// lab agent's API, with kubectl's output conventions. Every error names the command.
/// </summary>
public static class ClusterCommands
{
    /// <summary>Options every cluster verb takes (new instances per command tree: options belong to one parent).</summary>
    private sealed record Common(Option<string> Socket, Option<bool> NoAutostart);

    private static Option<string> SocketOption() => new("--socket")
    {
        Description = "The lab agent's unix socket.",
        DefaultValueFactory = _ => AgentProtocol.DefaultSocketPath,
        Recursive = true,
    };

    private static Option<bool> NoAutostartOption() => new("--no-autostart")
    {
        Description = "Fail instead of starting a lab agent in the background when none is running.",
        Recursive = true,
    };

    public static Command Create()
    {
        var c = new Common(SocketOption(), NoAutostartOption());
        var command = new Command("cluster", "Create, inspect and destroy lab clusters (through the lab agent).")
        {
            c.Socket, c.NoAutostart, Up(c), Apply(c, "apply", ApplyMode.Apply), Apply(c, "create", ApplyMode.Create), Apply(c, "delete", ApplyMode.Delete),
            Get(c), Exec(c), Logs(c), Flows(c), Endpoints(c), Kubeconfig(c), Down(c), List(c), Gc(c),
            // The client lives as long as the shell process: it is the shell's connection to the cluster.
            ShellCommand.Create(async (result, name, ct) => await RequireAsync(
                await AgentConnection.ConnectAsync(result.GetValue(c.Socket)!, !result.GetValue(c.NoAutostart), Console.Error, ct), name, ct)),
        };
        return command;
    }

    private static Argument<string> ClusterName() => new("name") { Description = "The cluster's name." };

    private static Command Up(Common c)
    {
        var name = ClusterName();
        var lab = new Option<string?>("--lab") { Description = "The lab this cluster is for." };
        var manifests = new Option<string?>("--manifests") { Description = "A folder of manifests to apply once the cluster is up." };
        var backend = new Option<string?>("--backend") { Description = "netns (default) or kind (real Cilium; the agent needs KindOptions__Enabled=true)." };
        var nodes = new Option<int>("--nodes") { Description = $"How many nodes (1 to {ClusterRequest.MaxNodes}), joined by VXLAN.", DefaultValueFactory = _ => 1 };
        var command = new Command("up", "Create a lab cluster and wait until it is ready.") { name, lab, manifests, backend, nodes };
        command.SetAction(async (result, ct) => result.GetValue(backend) == "kind" && await KindMissingAsync(result) ? 1 : await Run(c, result, "up", ct, async (client, o, e) =>
        {
            var dir = result.GetValue(manifests) is { } m ? Path.GetFullPath(m) : null;
            if (dir is not null && !Directory.Exists(dir))
            {
                throw new ArgumentException($"--manifests {dir}: no such folder");
            }
            var progress = new InlineProgress(p => e.WriteLine($"[{p.Step}/{p.Steps}] {p.Stage}: {p.Message}"));
            var cluster = await client.CreateAsync(new ClusterRequest(result.GetValue(name)!, result.GetValue(lab), dir, Nodes: result.GetValue(nodes)), result.GetValue(backend), progress, ct);
            await o.WriteLineAsync($"cluster/{cluster.Name} created ({cluster.Backend})");
            return 0;
        }));
        return command;
    }

    /// <summary>
    /// What the kind backend lacks on this host, said in one line before any agent is asked (or started): true when
    /// something is missing.
    /// </summary>
    private static async Task<bool> KindMissingAsync(ParseResult result)
    {
        var missing = new Doctor.HostChecks(Doctor.DoctorCommand.KindOptionsFromEnvironment()).MissingForKind();
        if (missing.Count > 0)
        {
            await result.InvocationConfiguration.Error.WriteLineAsync(
                $"labsite cluster up: the kind backend cannot run here: {string.Join("; ", missing)} (labsite doctor lists every gap)");
        }
        return missing.Count > 0;
    }

    private static Command Apply(Common c, string verb, ApplyMode mode)
    {
        var name = ClusterName();
        var file = new Option<string>("--filename", "-f") { Description = "A manifest file, a folder of them (*.yaml, *.yml, *.json), or - for stdin.", Required = true };
        var description = mode switch
        {
            ApplyMode.Apply => "Create or update the objects in manifests (kubectl apply -f).",
            ApplyMode.Create => "Create the objects in manifests; fails on existing ones (kubectl create -f).",
            _ => "Delete the objects named in manifests (kubectl delete -f).",
        };
        var command = new Command(verb, description) { name, file };
        command.SetAction((result, ct) => Run(c, result, verb, ct, async (client, o, e) =>
        {
            var cluster = await RequireAsync(client, result.GetValue(name)!, ct);
            var failed = false;
            foreach (var manifest in ManifestFiles.Read(result.GetValue(file)!, Console.In))
            {
                var applied = await cluster.ApplyAsync(manifest, mode, ct);
                foreach (var warning in applied.Warnings)
                {
                    await e.WriteLineAsync(ApplyResult.WarningPrefix + warning);
                }
                foreach (var line in applied.Lines)
                {
                    await o.WriteLineAsync(line);
                }
                foreach (var error in applied.Errors)
                {
                    await e.WriteLineAsync(error);
                }
                failed |= !applied.Succeeded;
            }
            return failed ? 1 : 0;
        }));
        return command;
    }

    private static Command Get(Common c)
    {
        var name = ClusterName();
        var kind = new Argument<string>("kind") { Description = "pods, po, deployments, svc, ep, ns, cm, cnp, ccnp, netpol, all, or kind/name ..." };
        var objectNames = new Argument<string[]>("object") { Description = "Only the objects with these names.", Arity = ArgumentArity.ZeroOrMore };
        var output = new Option<string?>("--output", "-o") { Description = "wide, json, yaml, name or jsonpath=TEMPLATE, as kubectl get; default: a table." };
        var ns = new Option<string?>("--namespace", "-n") { Description = "Namespace (default: default)." };
        var all = new Option<bool>("--all-namespaces", "-A") { Description = "Objects in every namespace." };
        var selector = new Option<string?>("--selector", "-l") { Description = "Label selector, e.g. org=empire,class!=xwing." };
        var showLabels = new Option<bool>("--show-labels") { Description = "Add a LABELS column to tables." };
        var noHeaders = new Option<bool>("--no-headers") { Description = "Leave out the header line of tables." };
        var command = new Command("get", "List objects with the real kubectl get, as the lab shell runs it.")
        {
            name, kind, objectNames, output, ns, all, selector, showLabels, noHeaders,
        };
        command.SetAction((result, ct) => Run(c, result, "get", ct, async (client, o, e) =>
        {
            List<string> args = [result.GetValue(kind)!, .. result.GetValue(objectNames) ?? []];
            // name=value spellings, so a value starting with '-' is never read as a flag.
            AddValue(args, "output", result.GetValue(output));
            AddValue(args, "namespace", result.GetValue(ns));
            AddValue(args, "selector", result.GetValue(selector));
            foreach (var (flag, option) in new[] { ("all-namespaces", all), ("show-labels", showLabels), ("no-headers", noHeaders) })
            {
                if (result.GetValue(option))
                {
                    args.Add($"--{flag}");
                }
            }
            var cluster = await RequireAsync(client, result.GetValue(name)!, ct);
            return await GetAsync(cluster, args, o, e, ct);
        }));
        return command;

        static void AddValue(List<string> args, string flag, string? value)
        {
            if (value is not null)
            {
                args.Add($"--{flag}={value}");
            }
        }
    }

    /// <summary>
    /// Runs the real <c>kubectl get</c> with <paramref name="getArgs"/> (what follows <c>get</c>) in the lab, as the lab
    /// shell runs it, so <c>labsite cluster get</c> prints the same tables, JSON and messages, with the same exit status.
    /// </summary>
    internal static async Task<int> GetAsync(ILabCluster cluster, IReadOnlyList<string> getArgs, TextWriter o, TextWriter e, CancellationToken ct)
    {
        if (cluster is not IKubectlRunner runner)
        {
            await e.WriteLineAsync(LabSite.Shell.RealKubectl.RealKubectlCommand.NoKubernetesApi(cluster));
            return 1;
        }
        // kubectl get reads no files and no stdin.
        var streams = new ExecStreams(new TextWriterStream(o), new TextWriterStream(e), null);
        return await runner.RunKubectlAsync(new KubectlInvocation(["get", .. getArgs], new Dictionary<string, byte[]>()), streams, ct);
    }

    private static Command Exec(Common c)
    {
        var name = ClusterName();
        var pod = new Argument<string>("pod") { Description = "The pod to run the program in." };
        var program = new Argument<string[]>("command") { Description = "The program and its arguments, after --.", Arity = ArgumentArity.OneOrMore };
        var ns = new Option<string?>("--namespace", "-n") { Description = "Namespace (default: default)." };
        var timeout = new Option<double?>("--timeout") { Description = "Stop the program after this many seconds." };
        var stdin = new Option<bool>("--stdin", "-i") { Description = $"Pass stdin to the program (piped input up to {ExecLimits.MaxStdinBytes / (1024 * 1024)} MiB; with -t, the keyboard)." };
        var tty = new Option<bool>("--tty", "-t") { Description = "Run the program on a terminal: -it is an interactive shell (kubectl exec -it)." };
        var command = new Command("exec", "Run a program in a pod: labsite cluster exec NAME POD -- curl -s deathstar; -it NAME POD -- sh for a shell")
        {
            name, pod, program, ns, timeout, stdin, tty,
        };
        command.SetAction((result, ct) => Run(c, result, "exec", ct, async (client, o, e) =>
        {
            var cluster = await RequireAsync(client, result.GetValue(name)!, ct);
            var useTty = result.GetValue(tty);
            if (useTty && result.GetValue(stdin) && !LocalTerminal.IsTerminal(LocalTerminal.StandardInput))
            {
                // As kubectl: -it with piped input runs without a terminal rather than failing.
                await e.WriteLineAsync("Unable to use a TTY - input is not a terminal or the right kind of file");
                useTty = false;
            }
            var request = new ExecRequest(result.GetValue(ns) ?? "default", result.GetValue(pod)!, result.GetValue(program)!,
                result.GetValue(timeout) is { } s ? TimeSpan.FromSeconds(s) : null, Tty: useTty);
            await using var stdout = new TextWriterStream(o);
            await using var stderr = new TextWriterStream(e);
            var input = result.GetValue(stdin) ? KeyboardInput.Open() : null;
            var code = useTty
                ? await ExecOnTerminalAsync(cluster, request, new ExecStreams(stdout, stderr, input), ct)
                : await cluster.ExecAsync(request, new ExecStreams(stdout, stderr, input), ct);
            if (code != 0)
            {
                await e.WriteLineAsync($"command terminated with exit code {code}");
            }
            return code;
        }));
        return command;
    }

    /// <summary>
    /// A TTY exec: the local terminal in raw mode for as long as it runs (keys, Ctrl-C and Ctrl-D go to the pod), its
    /// window size sent at the start and on each SIGWINCH.
    /// </summary>
    private static async Task<int> ExecOnTerminalAsync(ILabCluster cluster, ExecRequest request, ExecStreams streams, CancellationToken ct)
    {
        var window = new ExecTerminal(LocalTerminal.WindowSize(LocalTerminal.StandardOutput) ?? LocalTerminal.WindowSize(LocalTerminal.StandardInput) ?? new TerminalSize(80, 24));
        // Handlers of signals that come close together run at once on pool threads (stty cols 120 rows 40 is two
        // resizes): reading and sending under one lock makes the last size sent the terminal's latest.
        var resizing = new Lock();
        using var resized = OperatingSystem.IsWindows() ? null : PosixSignalRegistration.Create(PosixSignal.SIGWINCH, _ =>
        {
            lock (resizing)
            {
                if ((LocalTerminal.WindowSize(LocalTerminal.StandardOutput) ?? LocalTerminal.WindowSize(LocalTerminal.StandardInput)) is { } size)
                {
                    window.Resize(size);
                }
            }
        });
        using var raw = streams.StandardInput is null ? null : LocalTerminal.EnterRawMode(LocalTerminal.StandardInput);
        return await cluster.ExecAsync(request, streams with { Terminal = window }, ct);
    }

    private static Command Logs(Common c)
    {
        var name = ClusterName();
        var pod = new Argument<string>("pod") { Description = "The pod whose log to print." };
        var ns = new Option<string?>("--namespace", "-n") { Description = "Namespace (default: default)." };
        var tail = new Option<int?>("--tail") { Description = "Only the last N lines." };
        var command = new Command("logs", "Print what a pod logged (kubectl logs).") { name, pod, ns, tail };
        command.SetAction((result, ct) => Run(c, result, "logs", ct, async (client, o, _) =>
        {
            var cluster = await RequireAsync(client, result.GetValue(name)!, ct);
            await o.WriteAsync(await cluster.LogsAsync(result.GetValue(ns) ?? "default", result.GetValue(pod)!, result.GetValue(tail), ct));
            return 0;
        }));
        return command;
    }

    private static Command Flows(Common c)
    {
        var name = ClusterName();
        var last = new Option<int?>("--last") { Description = "Only the last N flows (default 20)." };
        var output = new Option<string?>("--output", "-o") { Description = "json (or jsonpb) for Hubble's JSON lines; default: compact." };
        var command = new Command("flows", "Print a cluster's recorded network flows as hubble observe does.") { name, last, output };
        command.SetAction((result, ct) => Run(c, result, "flows", ct, async (client, o, _) =>
        {
            var format = result.GetValue(output) switch
            {
                null or "compact" => FlowOutput.Compact,
                "json" or "jsonpb" => FlowOutput.JsonPb,
                var other => throw new ArgumentException($"-o {other}: unknown output format (use compact, json or jsonpb)"),
            };
            var flows = await client.GetFlowsAsync(result.GetValue(name)!, result.GetValue(last), ct);
            var text = FlowPrinter.Print(flows, new FlowPrintOptions(format));
            await o.WriteAsync(text.Length == 0 || text.EndsWith('\n') ? text : text + "\n");
            return 0;
        }));
        return command;
    }

    /// <summary>Where a lab's own protocols answer, for scripts and the real tools (<c>hubble --server unix://...</c>).</summary>
    private static Command Endpoints(Common c)
    {
        var name = ClusterName();
        var output = new Option<string?>("--output", "-o") { Description = "json for {\"hubble\": {\"unix\": ..., \"tcp\": ...}}; default: one line per endpoint." };
        var command = new Command("endpoints", "Print where a cluster's Hubble API answers.") { name, output };
        command.SetAction((result, ct) => Run(c, result, "endpoints", ct, async (client, o, _) =>
        {
            var n = result.GetValue(name)!;
            await RequireAsync(client, n, ct);
            var hubble = await client.GetHubbleEndpointAsync(n, ct);
            switch (result.GetValue(output))
            {
                case "json":
                    var json = new JsonObject { ["hubble"] = new JsonObject { ["unix"] = hubble.Unix, ["tcp"] = hubble.Tcp } };
                    await o.WriteLineAsync(json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                    break;
                case null:
                    await o.WriteLineAsync($"hubble: unix://{hubble.Unix}" + (hubble.Tcp is { } tcp ? $" {tcp}" : ""));
                    break;
                case var other:
                    throw new ArgumentException($"-o {other}: unknown output format (use json)");
            }
            return 0;
        }));
        return command;
    }

    private static Command Kubeconfig(Common c)
    {
        var name = ClusterName();
        var command = new Command("kubeconfig", "Print a kubeconfig for a lab's Kubernetes API (valid until the agent restarts): labsite cluster kubeconfig lab1 > lab1.kubeconfig") { name };
        command.SetAction((result, ct) => Run(c, result, "kubeconfig", ct, async (client, o, _) =>
        {
            var n = result.GetValue(name)!;
            await o.WriteAsync(LabSite.Agent.Client.Kubeconfig.For(n, await client.KubernetesAccessAsync(n, ct)));
            return 0;
        }));
        return command;
    }

    private static Command Down(Common c)
    {
        var name = ClusterName();
        var command = new Command("down", "Destroy a lab cluster and everything it owns.") { name };
        command.SetAction((result, ct) => Run(c, result, "down", ct, async (client, o, _) =>
        {
            var n = result.GetValue(name)!;
            await RequireAsync(client, n, ct);
            await client.DestroyAsync(n, ct);
            await o.WriteLineAsync($"cluster/{n} deleted");
            return 0;
        }));
        return command;
    }

    private static Command List(Common c)
    {
        var command = new Command("list", "List the lab clusters the agent runs.");
        command.SetAction((result, ct) => Run(c, result, "list", ct, async (client, o, e) =>
        {
            var clusters = await client.ListAsync(ct);
            if (clusters.Count == 0)
            {
                await e.WriteLineAsync("No clusters found.");
                return 0;
            }
            await o.WriteAsync(FormatList(clusters, DateTimeOffset.UtcNow));
            return 0;
        }));
        return command;
    }

    internal static string FormatList(IReadOnlyList<ClusterSummary> clusters, DateTimeOffset now)
    {
        var rows = clusters.Select(c => new[] { c.Name, c.Backend, c.LabId ?? "<none>", c.Pods.ToString(), HumanDuration.Format(now - c.CreatedAt) });
        // kubectl's table layout (its printers' tabwriter: min width 6, padding 3).
        var lines = rows.Prepend(["NAME", "BACKEND", "LAB", "PODS", "AGE"]).Select(r => string.Join('\t', r.Select(c => c.Replace('\t', ' '))) + "\n");
        return GoTabWriter.Format(string.Concat(lines), minWidth: 6, padding: 3);
    }

    private static Command Gc(Common c)
    {
        var command = new Command("gc", "Remove kernel objects left behind by crashed labs.");
        command.SetAction((result, ct) => Run(c, result, "gc", ct, async (client, o, _) =>
        {
            var report = await client.CollectGarbageAsync(ct);
            await o.WriteLineAsync(report.Total == 0
                ? "nothing to collect"
                : $"removed {report.Total}: " + string.Join(", ", report.Removed.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Value} {kv.Key}")));
            return 0;
        }));
        return command;
    }

    private static async Task<ILabCluster> RequireAsync(AgentClient client, string name, CancellationToken ct) =>
        await client.FindAsync(name, ct) ?? throw new ClusterException($"cluster \"{name}\" not found (see `labsite cluster list`)");

    /// <summary>Connects to the agent, runs <paramref name="body"/>, and turns failures into one line naming the command.</summary>
    private static async Task<int> Run(Common c, ParseResult result, string verb, CancellationToken ct, Func<AgentClient, TextWriter, TextWriter, Task<int>> body)
    {
        var o = result.InvocationConfiguration.Output;
        var e = result.InvocationConfiguration.Error;
        try
        {
            using var client = await AgentConnection.ConnectAsync(result.GetValue(c.Socket)!, !result.GetValue(c.NoAutostart), e, ct);
            return await body(client, o, e);
        }
        catch (Exception ex) when (ex is ClusterException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            await e.WriteLineAsync($"labsite cluster {verb}: {ex.Message}");
            return 1;
        }
    }

    /// <summary>Reports on the caller's thread, so progress lines print in order and before the result.</summary>
    private sealed class InlineProgress(Action<ClusterProgress> report) : IProgress<ClusterProgress>
    {
        public void Report(ClusterProgress value) => report(value);
    }
}
