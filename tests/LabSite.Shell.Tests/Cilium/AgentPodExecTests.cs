using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Clusters.Netns.Store;
using LabSite.Shell.Cilium;
using LabSite.Shell.Tests.Support;
using LabSite.Testing;

namespace LabSite.Shell.Tests.Cilium;

/// <summary>
/// <c>kubectl -n kube-system exec cilium-xxxxx -- cilium-dbg|hubble ...</c> answers for that pod's node: a two-node
/// in-memory cluster whose store lists an agent pod per node, xwing's endpoint on the first node and the Death Star's
/// on the worker.
/// </summary>
public class AgentPodExecTests
{
    private const string Exec = "kubectl -n kube-system exec";

    private static (ShellHarness Shell, InMemoryCluster Cluster, string First, string Worker) Start()
    {
        var cluster = new InMemoryCluster { Status = StatusTextTests.Healthy };
        cluster.Store.RegisterNodes([new LabNodeSpec("lab", "10.244.0.0/24", "172.31.0.2", true), new LabNodeSpec("lab-worker", "10.244.1.0/24", "172.31.0.3", false)]);
        cluster.Endpoints.Add(new EndpointModel(11, 5000, ["k8s:class=xwing"], "10.244.0.5", "", "Disabled", "Disabled", "ready", "default", "xwing"));
        cluster.Endpoints.Add(new EndpointModel(22, 6000, ["k8s:class=deathstar"], "10.244.1.7", "", "Enabled", "Disabled", "ready", "default", "deathstar-1"));
        cluster.PolicyMaps[11] = new PolicyMapDump(11, []);
        cluster.PolicyMaps[22] = new PolicyMapDump(22, []);
        cluster.Conntrack.Add(new ConntrackEntry("TCP", "OUT", "10.244.0.5:40000", "10.244.1.7:80", 100, 3, 180, 0x02, 0x12, 0, 5000));
        cluster.Conntrack.Add(new ConntrackEntry("TCP", "IN", "10.244.0.5:40000", "10.244.1.7:80", 100, 3, 180, 0x12, 0x02, 0, 5000));
        cluster.Services.Add(new ServiceModel(1, "10.96.0.10:80/TCP", "ClusterIP", ["10.244.1.7:80/TCP (active)"]));
        cluster.Flows.Write(Flow("labsite/lab", "10.244.0.5", "TO_OVERLAY"));
        cluster.Flows.Write(Flow("labsite/lab-worker", "10.244.0.5", "TO_ENDPOINT"));
        var pods = cluster.Store.Get(new ObjectQuery("pods", "kube-system", "k8s-app=cilium"));
        string On(string node) => pods.Single(p => (string?)p.Json["spec"]!["nodeName"] == node).Name;
        return (new ShellHarness(cluster, inspection: true), cluster, On("lab"), On("lab-worker"));
    }

    private static FlowRecord Flow(string node, string source, string point) => FlowJsonReader.Read(
        $$$$"""{"flow":{"time":"2026-11-22T12:01:41Z","verdict":"FORWARDED","IP":{"source":"{{{{source}}}}","destination":"10.244.1.7","ipVersion":"IPv4"},"l4":{"TCP":{"source_port":40000,"destination_port":80,"flags":{"SYN":true}}},"source":{"namespace":"default","pod_name":"xwing"},"destination":{"namespace":"default","pod_name":"deathstar-1"},"Type":"L3_L4","node_name":"{{{{node}}}}","trace_observation_point":"{{{{point}}}}"},"node_name":"{{{{node}}}}","time":"2026-11-22T12:01:41Z"}""");

    [Fact]
    public async Task Endpoint_list_status_and_policy_maps_are_the_pods_nodes_own()
    {
        var (shell, _, first, worker) = Start();
        using (shell)
        {
            var onWorker = await shell.RunAsync($"{Exec} {worker} -- cilium-dbg endpoint list");
            var onFirst = await shell.RunAsync($"{Exec} pod/{first} -c cilium-agent -- cilium-dbg endpoint list");
            var viaDaemonSet = await shell.RunAsync($"{Exec} ds/cilium -- cilium-dbg endpoint list");
            var status = await shell.RunAsync($"{Exec} {worker} -- cilium-dbg status");
            var foreign = await shell.RunAsync($"{Exec} {worker} -- cilium-dbg bpf policy get 11");
            var own = await shell.RunAsync($"{Exec} {worker} -- cilium-dbg bpf policy get 22");
            var all = await shell.RunAsync($"{Exec} {worker} -- cilium-dbg bpf policy get --all");

            Assert.Equal(0, onWorker.Status);
            Assert.Contains("10.244.1.7", onWorker.Out, StringComparison.Ordinal);
            Assert.DoesNotContain("10.244.0.5", onWorker.Out, StringComparison.Ordinal);
            Assert.Contains("10.244.0.5", onFirst.Out, StringComparison.Ordinal);
            Assert.DoesNotContain("10.244.1.7", onFirst.Out, StringComparison.Ordinal);
            Assert.Equal(onFirst, viaDaemonSet);
            Assert.Equal((0, StatusText.Text(StatusTextTests.Healthy with { NodeName = "lab-worker", Endpoints = 1 })), (status.Status, status.Out));
            Assert.Equal((1, "Error: Unable to get policy map for endpoint 11: no such endpoint\ncommand terminated with exit code 1\n"), (foreign.Status, foreign.Err));
            Assert.Equal(0, own.Status);
            Assert.Equal(["Endpoint ID: 22"], all.Out.Split('\n').Where(l => l.StartsWith("Endpoint ID", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task Conntrack_holds_the_nodes_own_side_while_shared_maps_are_the_same_everywhere()
    {
        var (shell, _, first, worker) = Start();
        using (shell)
        {
            var ctWorker = await shell.RunAsync($"{Exec} {worker} -- cilium-dbg bpf ct list global");
            var ctFirst = await shell.RunAsync($"{Exec} {first} -- cilium-dbg bpf ct list global");
            var lbWorker = await shell.RunAsync($"{Exec} {worker} -- cilium-dbg bpf lb list");
            var lbFirst = await shell.RunAsync($"{Exec} {first} -- cilium-dbg bpf lb list");
            var nodes = await shell.RunAsync($"{Exec} {worker} -- cilium-dbg node list");

            Assert.Equal(["TCP IN 10.244.0.5:40000 -> 10.244.1.7:80"], ctWorker.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => string.Join(' ', l.Split(' ').Take(5))));
            Assert.Equal(["TCP OUT 10.244.0.5:40000 -> 10.244.1.7:80"], ctFirst.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => string.Join(' ', l.Split(' ').Take(5))));
            Assert.Equal(lbFirst, lbWorker);
            Assert.Contains("10.96.0.10:80", lbWorker.Out, StringComparison.Ordinal);
            Assert.Contains("lab-worker", nodes.Out, StringComparison.Ordinal);
            Assert.Contains("172.31.0.2", nodes.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Hubble_in_an_agent_pod_shows_its_nodes_flows_and_the_shells_hubble_shows_all()
    {
        var (shell, _, _, worker) = Start();
        using (shell)
        {
            var local = await shell.RunAsync($"{Exec} {worker} -- hubble observe -o jsonpb");
            var relay = await shell.RunAsync("hubble observe -o jsonpb");
            var otherNode = await shell.RunAsync($"{Exec} {worker} -- hubble observe --node-name labsite/lab -o jsonpb");
            var sameNode = await shell.RunAsync($"{Exec} {worker} -- hubble observe --node-name 'labsite/lab-w*' -o jsonpb");

            Assert.Equal(["labsite/lab-worker"], local.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => FlowJsonReader.Read(l).NodeName));
            Assert.Equal(2, relay.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.Equal((0, ""), (otherNode.Status, otherNode.Out));
            Assert.Equal(local.Out, sameNode.Out);
        }
    }

    [Fact]
    public async Task Bad_targets_get_kubectls_errors_and_never_the_agents_answer()
    {
        var (shell, _, _, worker) = Start();
        using (shell)
        {
            var program = await shell.RunAsync($"{Exec} {worker} -- sh -c id");
            var container = await shell.RunAsync($"{Exec} {worker} -c mount-cgroup -- cilium-dbg status");
            var unknown = await shell.RunAsync($"{Exec} cilium-zzzzz -- cilium-dbg status");
            var otherNamespace = await shell.RunAsync($"kubectl exec {worker} -- cilium-dbg status");
            var pathy = await shell.RunAsync($"{Exec} 'cilium-../../{worker}' -- cilium-dbg status");
            var shelly = await shell.RunAsync($"{Exec} 'cilium-$(id);x' -- cilium-dbg status");

            Assert.Equal((126, "", "error: the lab's Cilium agent runs cilium-dbg, hubble and tcpdump; \"sh\" is not available there\n"), program);
            Assert.Equal((1, "", "error: unable to upgrade connection: container not found (\"mount-cgroup\")\n"), container);
            // not one of the lab's agent pods: the real kubectl answers (NotFound); this in-memory cluster has none to run
            foreach (var run in new[] { unknown, otherNamespace, pathy, shelly })
            {
                Assert.Equal(1, run.Status);
                Assert.Equal("", run.Out);
                Assert.StartsWith("error: kubectl needs the lab's Kubernetes API", run.Err, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task A_cluster_without_agent_pods_answers_cluster_wide_as_before()
    {
        var cluster = new InMemoryCluster();
        cluster.Endpoints.Add(new EndpointModel(11, 5000, ["k8s:class=xwing"], "10.244.0.5", "", "Disabled", "Disabled", "ready", "default", "xwing"));
        using var shell = new ShellHarness(cluster, inspection: true);

        var run = await shell.RunAsync($"{Exec} ds/cilium -- cilium-dbg endpoint list");

        Assert.Equal(0, run.Status);
        Assert.Contains("10.244.0.5", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Node_scoping_a_filter_set_keeps_its_filters_and_ands_the_node()
    {
        var allow = new FlowFilter();
        allow.SourcePod.Add("default/xwing");
        var set = new FlowFilterSet([allow], []).OnNode("lab-worker");
        var worker = Flow("labsite/lab-worker", "10.244.0.5", "TO_ENDPOINT").Flow;
        var first = Flow("labsite/lab", "10.244.0.5", "TO_OVERLAY").Flow;
        var bare = Flow("lab-worker", "10.244.0.5", "TO_ENDPOINT").Flow;
        var otherPod = Flow("labsite/lab-worker", "10.244.0.9", "TO_ENDPOINT").Flow;
        otherPod.Source!.PodName = "tiefighter";

        Assert.True(set.Matches(worker));
        Assert.True(set.Matches(bare));
        Assert.False(set.Matches(first));
        Assert.False(set.Matches(otherPod));
        Assert.False(FlowFilterSet.All.OnNode("lab-worker2").Matches(worker));
        Assert.Empty(allow.NodeName);
    }
}
