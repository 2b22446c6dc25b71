using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Shell.Tests.Support;
using LabSite.Testing;

namespace LabSite.Shell.Tests;

/// <summary>hubble and cilium-dbg in the lab shell, answered from a cluster's inspection interface.</summary>
public class CiliumAndHubbleTests
{
    private const string XwingDrop = """{"flow":{"time":"2026-11-22T12:01:40.000000001Z","verdict":"DROPPED","IP":{"source":"10.0.0.30","destination":"10.0.0.147","ipVersion":"IPv4"},"l4":{"TCP":{"source_port":44916,"destination_port":80,"flags":{"SYN":true}}},"source":{"identity":22654,"namespace":"default","pod_name":"xwing"},"destination":{"identity":16530,"namespace":"default","pod_name":"deathstar-54c4d4bdf9-fwhtv"},"Type":"L3_L4","node_name":"lab","event_type":{"type":1,"sub_type":133},"drop_reason_desc":"POLICY_DENIED","Summary":"TCP Flags: SYN"},"node_name":"lab","time":"2026-11-22T12:01:40.000000001Z"}""";
    private const string TieForward = """{"flow":{"time":"2026-11-22T12:01:41Z","verdict":"FORWARDED","IP":{"source":"10.0.0.112","destination":"10.0.0.147","ipVersion":"IPv4"},"l4":{"TCP":{"source_port":40000,"destination_port":80,"flags":{"SYN":true}}},"source":{"identity":31028,"namespace":"default","pod_name":"tiefighter"},"destination":{"identity":16530,"namespace":"default","pod_name":"deathstar-54c4d4bdf9-fwhtv"},"Type":"L3_L4","node_name":"lab","event_type":{"type":4},"is_reply":false,"Summary":"TCP Flags: SYN"},"node_name":"lab","time":"2026-11-22T12:01:41Z"}""";

    private static (ShellHarness Shell, InMemoryCluster Cluster) Start()
    {
        var cluster = StarWarsObjects.Cluster();
        cluster.Flows.Write(FlowJsonReader.Read(XwingDrop));
        cluster.Flows.Write(FlowJsonReader.Read(TieForward));
        cluster.Identities.Add(new IdentityModel(16530, ["k8s:class=deathstar", "k8s:org=empire"]));
        cluster.Identities.Add(new IdentityModel(31028, ["k8s:class=tiefighter", "k8s:org=empire"]));
        cluster.Endpoints.Add(new EndpointModel(232, 16530, ["k8s:class=deathstar", "k8s:org=empire"], "10.0.0.147", "", "Enabled", "Disabled", "ready"));
        cluster.PolicyMaps[232] = new PolicyMapDump(232, [new PolicyMapEntryDump(false, false, 31028, 6, 80, 24)]);
        cluster.Ipcache.Add(new IpcacheEntry("10.0.0.30/32", 22654));
        cluster.Services.Add(new ServiceModel(1, "10.96.12.7:80", "ClusterIP", ["10.0.0.147:80 (active)", "10.0.0.148:80 (active)"]));
        return (new ShellHarness(cluster, inspection: true), cluster);
    }

    [Fact]
    public async Task Hubble_observe_filters_with_hubbles_semantics_and_prints_compact_lines()
    {
        var (shell, _) = Start();
        using (shell)
        {
            var (status, output, err) = await shell.RunAsync("hubble observe --pod deathstar --verdict DROPPED");
            Assert.Equal((0, ""), (status, err));
            Assert.Equal(FlowPrinter.Compact(FlowJsonReader.Read(XwingDrop)), output);
            Assert.Contains("default/xwing:44916 (ID:22654) <> default/deathstar-54c4d4bdf9-fwhtv:80 (ID:16530) Policy denied DROPPED (TCP Flags: SYN)", output);

            Assert.Equal(2, (await shell.RunAsync("hubble observe --to-pod default/deathstar-54c4d4bdf9-fwhtv")).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.Single((await shell.RunAsync("hubble observe --not --verdict DROPPED -o json")).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Equal((1, "", "Error: unknown flag: --colour\n"), await shell.RunAsync("hubble observe --colour"));
            Assert.StartsWith("Error: --verdict:", (await shell.RunAsync("hubble observe --verdict MAYBE")).Err);
        }
    }

    [Fact]
    public async Task Hubble_follow_streams_until_ctrl_c()
    {
        var (shell, cluster) = Start();
        using (shell)
        {
            using var cancel = new CancellationTokenSource();
            var output = new StringWriter();
            var run = shell.Interpreter.RunAsync("hubble observe -f --from-pod default/xwing", TextWriter.Synchronized(output), new StringWriter(), cancel.Token);
            // Bounded wait for the follower to register, then a new flow arrives live.
            for (var i = 0; i < 300 && cluster.Flows.Subscribers == 0; i++)
            {
                await Task.Delay(10);
            }
            cluster.Flows.Write(FlowJsonReader.Read(XwingDrop));
            for (var i = 0; i < 300 && !output.ToString().Contains("DROPPED"); i++)
            {
                await Task.Delay(10);
            }
            await cancel.CancelAsync();
            Assert.Equal(130, await run);
            Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
    }

    /// <summary>The tiefighter's flow, happening at <paramref name="time"/> (the shell's clock says 12:01:47).</summary>
    private static FlowRecord TieAt(string time) => FlowJsonReader.Read(TieForward.Replace("2026-11-22T12:01:41Z", time));

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task Hubble_since_and_until_select_flows_by_their_time()
    {
        var (shell, _) = Start();
        using (shell)
        {
            // Durations count back from the shell's clock: 6s before 12:01:47 is 12:01:41, the tiefighter's flow.
            Assert.Equal((0, FlowPrinter.Compact(FlowJsonReader.Read(TieForward)), ""), await shell.RunAsync("hubble observe --since 6s"));
            Assert.Equal(2, Lines((await shell.RunAsync("hubble observe --since 1m")).Out).Length);
            // RFC 3339 times keep Hubble's nanoseconds: the drop happened 1 ns after 12:01:40.
            Assert.Equal((0, "", ""), await shell.RunAsync("hubble observe --until 2026-11-22T12:01:40Z"));
            Assert.Equal(FlowPrinter.Compact(FlowJsonReader.Read(XwingDrop)), (await shell.RunAsync("hubble observe --until=2026-11-22T12:01:40.000000001Z")).Out);
            Assert.Equal(FlowPrinter.Compact(FlowJsonReader.Read(TieForward)),
                (await shell.RunAsync("hubble observe --since 2026-11-22T12:01:40.5Z --until 2026-11-22T12:01:41Z")).Out);
            // The window combines with filters and counts.
            Assert.Equal(FlowPrinter.Compact(FlowJsonReader.Read(XwingDrop)), (await shell.RunAsync("hubble observe --since 10m --verdict DROPPED")).Out);
            Assert.Single(Lines((await shell.RunAsync("hubble observe --since 10m --last 1")).Out));
        }
    }

    [Fact]
    public async Task Hubble_follow_since_starts_from_then_and_until_ends_the_follow()
    {
        var (shell, cluster) = Start();
        using (shell)
        {
            var output = new StringWriter();
            var run = shell.Interpreter.RunAsync("hubble observe -f --since 6s --until 2026-11-22T12:01:50Z", TextWriter.Synchronized(output), new StringWriter(), CancellationToken.None);
            for (var i = 0; i < 300 && cluster.Flows.Subscribers == 0; i++)
            {
                await Task.Delay(10);
            }
            cluster.Flows.Write(TieAt("2026-11-22T12:01:49Z"));
            // A flow past --until ends the follow, unprinted, with status 0 and no Ctrl-C.
            cluster.Flows.Write(TieAt("2026-11-22T12:01:51Z"));
            Assert.Equal(0, await run.WaitAsync(TimeSpan.FromMinutes(1)));
            // History since 12:01:41 (the tiefighter, not the earlier drop), then the live flow inside the window.
            Assert.Equal(FlowPrinter.Compact(FlowJsonReader.Read(TieForward)) + FlowPrinter.Compact(TieAt("2026-11-22T12:01:49Z")), output.ToString());
        }
    }

    [Theory]
    [InlineData("--since yesterday", "Error: --since: \"yesterday\" is neither a duration (e.g. 5m, 1h30m) nor an RFC 3339 time (e.g. 2026-11-22T12:00:00Z)\n")]
    [InlineData("--until -5m", "Error: --until: \"-5m\" is neither a duration (e.g. 5m, 1h30m) nor an RFC 3339 time (e.g. 2026-11-22T12:00:00Z)\n")]
    [InlineData("--since 2026-11-22", "Error: --since: \"2026-11-22\" is neither a duration (e.g. 5m, 1h30m) nor an RFC 3339 time (e.g. 2026-11-22T12:00:00Z)\n")]
    [InlineData("--until", "Error: flag needs an argument: --until\n")]
    [InlineData("--last -1", "Error: --last: \"-1\" is not a number of flows (0 or more)\n")]
    [InlineData("-o yaml", "Error: --output: invalid output format \"yaml\" (compact, dict, json, jsonpb, table)\n")]
    [InlineData("deathstar", "Error: unknown command \"deathstar\" for \"hubble observe\" (filters are flags, e.g. --pod deathstar)\n")]
    public async Task Hubble_bad_values_say_which_flag_and_what_is_wrong(string args, string error)
    {
        var (shell, _) = Start();
        using (shell)
        {
            Assert.Equal((1, "", error), await shell.RunAsync($"hubble observe {args}"));
        }
    }

    [Fact]
    public async Task Hubble_spellings_the_shell_took_before_still_work()
    {
        var (shell, _) = Start();
        using (shell)
        {
            var drop = FlowJsonReader.Read(XwingDrop);
            var tie = FlowJsonReader.Read(TieForward);
            Assert.Equal((0, FlowPrinter.Compact(drop) + FlowPrinter.Compact(tie), ""), await shell.RunAsync("hubble observe flows"));
            Assert.Equal(FlowPrinter.Compact(drop), (await shell.RunAsync("hubble observe --first 1")).Out);
            Assert.Equal(FlowPrinter.Compact(tie), (await shell.RunAsync("hubble observe --last=1 --all-namespaces")).Out);
            Assert.Equal(FlowPrinter.Compact(drop), (await shell.RunAsync("hubble observe -t drop -n default")).Out);
            Assert.Equal(FlowPrinter.Compact(tie), (await shell.RunAsync("hubble observe --from-pod default/tiefighter")).Out);
            Assert.Equal(FlowPrinter.Print([tie], new FlowPrintOptions(FlowOutput.Dict, NodeName: true, PolicyNames: false, IpTranslation: false)),
                (await shell.RunAsync("hubble observe --last 1 -o dict --print-node-name --numeric")).Out);
        }
    }

    [Fact]
    public async Task Cilium_dbg_answers_from_the_inspector_through_kubectl_exec()
    {
        var (shell, _) = Start();
        using (shell)
        {
            var endpoints = await shell.RunAsync("kubectl -n kube-system exec ds/cilium -- cilium-dbg endpoint list");
            Assert.Equal(0, endpoints.Status);
            Assert.StartsWith("ENDPOINT   POLICY (ingress)   POLICY (egress)   IDENTITY   LABELS (source:key[=value])", endpoints.Out);
            Assert.Contains("232        Enabled            Disabled          16530      k8s:class=deathstar", endpoints.Out);

            var policy = await shell.RunAsync("kubectl -n kube-system exec ds/cilium -- cilium-dbg bpf policy get 232");
            Assert.Equal(0, policy.Status);
            Assert.Contains("Allow    Ingress     k8s:class=tiefighter", policy.Out);
            Assert.Contains("80/TCP", policy.Out);
            Assert.Equal((1, "", "Error: Unable to get policy map for endpoint 9: no such endpoint\ncommand terminated with exit code 1\n"),
                await shell.RunAsync("kubectl -n kube-system exec ds/cilium -- cilium-dbg bpf policy get 9"));

            Assert.Contains("16530   k8s:class=deathstar", (await shell.RunAsync("cilium-dbg identity list")).Out);
            // Cilium ends every cell with a tab, so its tabwriter pads the last column too: compare without trailing blanks.
            Assert.Equal(["ID   Frontend        Service Type   Backend", "1    10.96.12.7:80   ClusterIP      1 => 10.0.0.147:80 (active)", "                                    2 => 10.0.0.148:80 (active)"],
                (await shell.RunAsync("cilium-dbg service list")).Out.TrimEnd('\n').Split('\n').Select(l => l.TrimEnd()));
            // bpf lb list: the master slot 0 (no backend, reverse-NAT index 1) then one slot per backend.
            Assert.Equal(["SERVICE ADDRESS     BACKEND ADDRESS (REVNAT_ID) (SLOT)", "10.96.12.7:80 (0)   0.0.0.0:0 (1) (0) [ClusterIP, non-routable]",
                "10.96.12.7:80 (1)   10.0.0.147:80 (1) (1)", "10.96.12.7:80 (2)   10.0.0.148:80 (1) (2)"],
                (await shell.RunAsync("cilium-dbg bpf lb list")).Out.TrimEnd('\n').Split('\n').Select(l => l.TrimEnd()));
            Assert.Equal((1, "", "not available in this cluster yet: cilium-dbg policy get (the backend keeps no policy repository)\n"), await shell.RunAsync("cilium-dbg policy get"));
        }
    }
}
