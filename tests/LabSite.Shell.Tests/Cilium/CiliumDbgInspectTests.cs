using System.Text.Json.Nodes;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Shell.Cilium;
using LabSite.Shell.Tests.Support;
using LabSite.Testing;

namespace LabSite.Shell.Tests.Cilium;

/// <summary>cilium-dbg status, policy get and monitor in the lab shell, answered by a fake inspector.</summary>
public class CiliumDbgInspectTests
{
    private static readonly PolicyRepositoryModel s_repository = new("[\n  {\n    \"endpointSelector\": {}\n  }\n]", 3);

    private static (ShellHarness Shell, InMemoryCluster Cluster) Start(bool withState = true)
    {
        var cluster = new InMemoryCluster();
        if (withState)
        {
            cluster.Status = StatusTextTests.Healthy;
            cluster.Repository = s_repository;
        }
        return (new ShellHarness(cluster, inspection: true), cluster);
    }

    private static Flow Event(int type, uint from, uint to)
    {
        var json = $$$$"""{"flow":{"verdict":"DROPPED","IP":{"source":"10.0.1.2","destination":"10.0.1.3","ipVersion":"IPv4"},"l4":{"TCP":{"source_port":38424,"destination_port":80,"flags":{"SYN":true}}},"source":{"ID":{{{{from}}}},"identity":258},"destination":{"ID":{{{{to}}}},"identity":257},"Type":"L3_L4","event_type":{"type":{{{{type}}}},"sub_type":133},"drop_reason":133,"drop_reason_desc":"POLICY_DENIED","traffic_direction":"INGRESS","trace_observation_point":"TO_ENDPOINT","trace_reason":"NEW"},"node_name":"lab"}""";
        return FlowJsonReader.Read(json).Flow;
    }

    [Fact]
    public async Task Status_prints_text_brief_and_json_through_kubectl_exec()
    {
        var (shell, cluster) = Start();
        using (shell)
        {
            Assert.Equal((0, StatusText.Text(cluster.Status!), ""), await shell.RunAsync("kubectl -n kube-system exec ds/cilium -- cilium-dbg status"));
            Assert.Equal((0, "OK\n", ""), await shell.RunAsync("cilium-dbg status --brief"));
            var json = await shell.RunAsync("cilium-dbg status -o json");
            Assert.Equal("Ok", (string?)JsonNode.Parse(json.Out)!["cilium"]!["state"]);
            Assert.Equal((1, "", "Error: unknown flag: --colour\n"), await shell.RunAsync("cilium-dbg status --colour"));
            Assert.Equal((1, "", "Error: output format \"yaml\" is not available here (only -o json)\n"), await shell.RunAsync("cilium-dbg status -o yaml"));

            cluster.Status = cluster.Status! with { Problem = "policy rule1: bad" };
            Assert.Equal((1, "error in cilium: policy rule1: bad\n", ""), await shell.RunAsync("cilium-dbg status --brief"));
        }
    }

    [Fact]
    public async Task Lists_print_ciliums_json_with_o_json_which_the_kind_backend_reads_back()
    {
        var (shell, cluster) = Start();
        using (shell)
        {
            cluster.Endpoints.Add(new EndpointModel(17, 31028, ["k8s:class=deathstar", "k8s:org=empire"], "10.0.1.5", "", "Enabled", "Disabled", "ready", "default", "deathstar-1"));
            cluster.Ipcache.Add(new IpcacheEntry("10.0.1.5/32", 31028));
            cluster.Services.Add(new ServiceModel(3, "10.96.0.10:53/UDP", "ClusterIP", ["10.0.1.9:53/UDP (active)"]));

            var endpoints = await shell.RunAsync("kubectl -n kube-system exec ds/cilium -- cilium-dbg endpoint list -o json");
            var identities = await shell.RunAsync("cilium-dbg identity list --output=json");
            var ipcache = await shell.RunAsync("cilium-dbg bpf ipcache list -o json");
            var services = await shell.RunAsync("cilium-dbg service list -o json");

            Assert.Equal(EndpointModel.ToText(cluster.Endpoints), EndpointModel.ToText(CiliumDbgJson.ReadEndpoints(endpoints.Out)));
            Assert.Equal(IdentityModel.ToText(cluster.Identities), IdentityModel.ToText(CiliumDbgJson.ReadIdentities(identities.Out)));
            Assert.Equal("identity=31028 encryptkey=0 tunnelendpoint=0.0.0.0 flags=<none>", CiliumDbgJson.ReadIpcache(ipcache.Out).Single().ValueText());
            Assert.Equal(ServiceModel.ToText(cluster.Services), ServiceModel.ToText(CiliumDbgJson.ReadServices(services.Out)));
            Assert.Equal((1, "", "Error: output format \"yaml\" is not available here (only -o json)\n"), await shell.RunAsync("cilium-dbg endpoint list -o yaml"));
        }
    }

    [Fact]
    public async Task Policy_get_prints_the_rules_and_the_revision_trailer()
    {
        var (shell, _) = Start();
        using (shell)
        {
            Assert.Equal((0, s_repository.Policy + "\nRevision: 3\n", ""), await shell.RunAsync("kubectl -n kube-system exec ds/cilium -- cilium-dbg policy get"));
            var json = JsonNode.Parse((await shell.RunAsync("cilium-dbg policy get -o json")).Out)!;
            Assert.Equal((s_repository.Policy, 3), ((string?)json["policy"], (int)json["revision"]!));
            var filtered = await shell.RunAsync("cilium-dbg policy get k8s:app=web");
            Assert.Equal((1, "Error: policy get with labels (k8s:app=web) is not available here; run it without arguments\n"), (filtered.Status, filtered.Err));
        }
    }

    [Fact]
    public async Task Without_backend_state_status_and_policy_get_say_so()
    {
        var (shell, _) = Start(withState: false);
        using (shell)
        {
            Assert.Equal((1, "", "not available in this cluster yet: cilium-dbg status (the backend reports no agent status)\n"), await shell.RunAsync("cilium-dbg status"));
            Assert.Equal((1, "", "cilium: daemon unreachable\n"), await shell.RunAsync("cilium-dbg status --brief"));
        }
    }

    [Fact]
    public async Task Monitor_streams_filtered_events_until_ctrl_c_then_exits_0()
    {
        var (shell, cluster) = Start();
        using (shell)
        {
            using var cancel = new CancellationTokenSource();
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var context = new CommandContext
            {
                Args = ["monitor", "--type", "drop", "--related-to", "3"],
                Stdin = TextReader.Null,
                Stdout = TextWriter.Synchronized(stdout),
                Stderr = TextWriter.Synchronized(stderr),
                Session = shell.Session,
                Cancellation = cancel.Token,
            };
            var run = new CiliumDbgCommand().RunAsync(context);
            for (var i = 0; i < 300 && cluster.Flows.Subscribers == 0; i++)
            {
                await Task.Delay(10);
            }
            cluster.Flows.Write(new FlowRecord(Event(MonitorEventType.Trace, 2, 3), "lab", default));
            cluster.Flows.Write(new FlowRecord(Event(MonitorEventType.Drop, 5, 6), "lab", default));
            cluster.Flows.Write(new FlowRecord(Event(MonitorEventType.Drop, 2, 3), "lab", default));
            for (var i = 0; i < 300 && !stdout.ToString().Contains("xx drop", StringComparison.Ordinal); i++)
            {
                await Task.Delay(10);
            }
            await cancel.CancelAsync();
            Assert.Equal(0, await run);
            Assert.Equal("xx drop (Policy denied) flow 0x0 to endpoint 3, ifindex 0, , identity 258->257: 10.0.1.2:38424 -> 10.0.1.3:80 tcp SYN\n", stdout.ToString());
            Assert.Equal("Listening for events on 2 CPUs with 256x4096 of shared memory\nPress Ctrl-C to quit\n\nReceived an interrupt, disconnecting from monitor...\n\n", stderr.ToString());
        }
    }

    [Theory]
    [InlineData("cilium-dbg monitor --type bogus", "Error: Unknown type (bogus). Please use one of the following ones [drop debug capture trace policy-verdict l7 agent]\n")]
    [InlineData("cilium-dbg monitor --related-to deathstar", "Error: invalid argument \"deathstar\" for \"--related-to\" flag: not an endpoint id (cilium-dbg endpoint list shows them)\n")]
    [InlineData("cilium-dbg monitor -vv", "Error: -vv is not available here: it prints packet bytes, and this cluster's monitor keeps flows, not packets\n")]
    [InlineData("cilium-dbg monitor --type", "Error: flag needs an argument: --type\n")]
    public async Task Monitor_refuses_bad_flags_before_listening(string line, string error)
    {
        var (shell, _) = Start();
        using (shell)
        {
            Assert.Equal((1, "", error), await shell.RunAsync(line));
        }
    }
}
