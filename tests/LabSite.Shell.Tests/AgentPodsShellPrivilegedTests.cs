using System.Text.RegularExpressions;
using LabSite.Clusters.Contract.Flows;
using LabSite.Shell.Tests.Support;
using LabSite.Testing;

namespace LabSite.Shell.Tests;

/// <summary>
/// A two-node lab's Cilium agent pods through the lab shell behind a real agent (the real kubectl): one per node in
/// kube-system, owned by DaemonSet cilium, read-only; <c>kubectl exec</c> into one answers for its node only.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class AgentPodsShellPrivilegedTests : IAsyncLifetime
{
    private AgentLabShell _lab = null!;

    public async Task InitializeAsync()
    {
        _lab = await AgentLabShell.StartAsync("apsh", RepositoryPaths.StarWarsManifests, nodes: 2);
    }

    public async Task DisposeAsync() => await _lab.DisposeAsync();

    private Task<(int Status, string Out, string Err)> Run(string line) => _lab.RunAsync(line);

    /// <summary>The agent pod of each node, from kubectl as a learner finds them.</summary>
    private async Task<Dictionary<string, string>> AgentPodsAsync()
    {
        var run = await Run("kubectl -n kube-system get pods -l k8s-app=cilium --no-headers -o custom-columns=NODE:.spec.nodeName,NAME:.metadata.name");
        Assert.True(run.Status == 0, run.Err);
        return run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToDictionary(p => p[0], p => p[1]);
    }

    [Fact]
    public async Task Kubectl_lists_one_agent_pod_per_node_on_the_nodes_address_and_refuses_changes()
    {
        var wide = await Run("kubectl -n kube-system get pods -l k8s-app=cilium -o wide");
        var ds = await Run("kubectl -n kube-system get ds cilium");
        var pods = await AgentPodsAsync();
        var deleted = await Run($"kubectl -n kube-system delete pod {pods["apsh-worker"]}");
        var labelled = await Run($"kubectl -n kube-system label pod {pods["apsh"]} k8s-app=spy --overwrite");
        var dsDeleted = await Run("kubectl -n kube-system delete ds cilium");

        foreach (var node in _lab.Cluster.Nodes)
        {
            Assert.Matches(new Regex($@"(?m)^{pods[node.Name]} +1/1 +Running +0 +\d+s +{Regex.Escape(node.NodeIp.ToString())} +{node.Name} +<none> +<none>$"), wide.Out);
        }
        Assert.Matches(new Regex(@"^NAME +DESIRED +CURRENT +READY +UP-TO-DATE +AVAILABLE +NODE SELECTOR +AGE\ncilium +2 +2 +2 +2 +2 +<none> +\d+s\n$"), ds.Out);
        Assert.Equal(1, deleted.Status);
        Assert.Contains($"pods \"{pods["apsh-worker"]}\" is forbidden: the lab's Cilium agent pods belong to DaemonSet kube-system/cilium", deleted.Err, StringComparison.Ordinal);
        Assert.Equal(1, labelled.Status);
        Assert.Contains("is forbidden", labelled.Err, StringComparison.Ordinal);
        Assert.Equal(1, dsDeleted.Status);
        Assert.Contains("daemonsets.apps \"cilium\" is forbidden", dsDeleted.Err, StringComparison.Ordinal);
        Assert.Equal(pods, await AgentPodsAsync());
        Assert.Equal((0, "", "No resources found in default namespace.\n"), await Run("kubectl get pods"));
    }

    [Fact]
    public async Task Each_agent_pod_answers_for_its_own_node()
    {
        Assert.Equal(0, (await Run("kubectl create -f http-sw-app.yaml")).Status);
        await _lab.Cluster.WaitUntilSettledAsync(CancellationToken.None);
        var pods = await AgentPodsAsync();
        var worker = _lab.Cluster.Nodes[1];
        var tiefighter = _lab.Cluster.FindPod("default", "tiefighter")!;
        var remote = _lab.Cluster.Pods.First(p => p.Spec.Name.StartsWith("deathstar-", StringComparison.Ordinal) && p.Node.Index != tiefighter.Node.Index);
        Assert.Equal((0, "Ship landed\n", ""), await Run($"kubectl exec tiefighter -- curl -s --connect-timeout 2 -XPOST http://{remote.Ip}/v1/request-landing"));

        var onFirst = await Run($"kubectl -n kube-system exec {pods["apsh"]} -- cilium-dbg endpoint list");
        var onWorker = await Run($"kubectl -n kube-system exec {pods[worker.Name]} -c cilium-agent -- cilium-dbg endpoint list");
        var viaDaemonSet = await Run("kubectl -n kube-system exec ds/cilium -- cilium-dbg endpoint list");
        var status = await Run($"kubectl -n kube-system exec {pods[worker.Name]} -- cilium-dbg status --brief");
        var statusJson = await Run($"kubectl -n kube-system exec {pods[worker.Name]} -- cilium-dbg status -o json");
        var workerFlows = await Run($"kubectl -n kube-system exec {pods[worker.Name]} -- hubble observe --last 1000 -o jsonpb");
        var allFlows = await Run("hubble observe --last 1000 -o jsonpb");
        var ct = await Run($"kubectl -n kube-system exec {pods[remote.Node.Name]} -- cilium-dbg bpf ct list global");
        // as life-of-a-packet finds the server node's agent: by the pod's node, with kubectl's field selector
        var byNode = await Run($"kubectl -n kube-system get pods -l k8s-app=cilium --field-selector spec.nodeName={remote.Node.Name} -o name");
        Assert.Equal((0, $"pod/{pods[remote.Node.Name]}\n"), (byNode.Status, byNode.Out));
        var ctByName = await Run($"kubectl -n kube-system exec {byNode.Out.Trim()} -- cilium-dbg bpf ct list global | grep :80");

        Assert.Equal((0, 0, 0), (onFirst.Status, onWorker.Status, status.Status));
        Assert.NotEqual(onFirst.Out, onWorker.Out);
        Assert.Equal(onFirst.Out, viaDaemonSet.Out);
        foreach (var pod in _lab.Cluster.Pods)
        {
            var mine = pod.Node.Index == 0 ? onFirst.Out : onWorker.Out;
            var theirs = pod.Node.Index == 0 ? onWorker.Out : onFirst.Out;
            Assert.Contains($" {pod.Ip} ", mine, StringComparison.Ordinal);
            Assert.DoesNotContain($" {pod.Ip} ", theirs, StringComparison.Ordinal);
        }
        Assert.Contains($"\"{worker.Name}\"", statusJson.Out, StringComparison.Ordinal);
        var workerNodes = workerFlows.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => FlowJsonReader.Read(l).NodeName).Distinct().ToList();
        var allNodes = allFlows.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => FlowJsonReader.Read(l).NodeName).Distinct().Order().ToList();
        Assert.Equal([worker.HubbleName], workerNodes);
        Assert.Equal(_lab.Cluster.Nodes.Select(n => n.HubbleName).Order(), allNodes);
        // the server's node keeps the connection's ingress side (IN, to the Death Star), not the TIE fighter's egress
        Assert.Contains($"TCP IN {tiefighter.Ip}:", ct.Out, StringComparison.Ordinal);
        Assert.DoesNotContain($"TCP OUT {tiefighter.Ip}:", ct.Out, StringComparison.Ordinal);
        Assert.Equal((0, ""), (ctByName.Status, ctByName.Err));
        Assert.Contains($"TCP IN {tiefighter.Ip}:", ctByName.Out, StringComparison.Ordinal);
        Assert.DoesNotContain($"TCP OUT {tiefighter.Ip}:", ctByName.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hostile_targets_get_kubectls_own_errors()
    {
        var pods = await AgentPodsAsync();
        var unknown = await Run("kubectl -n kube-system exec cilium-zzzzz -- cilium-dbg status");
        var wrongNamespace = await Run("kubectl exec ds/cilium -- cilium-dbg status");
        var program = await Run($"kubectl -n kube-system exec {pods["apsh"]} -- sh -c id");
        var shelly = await Run("kubectl -n kube-system exec 'cilium-$(id);x' -- cilium-dbg status");
        var pathy = await Run($"kubectl -n kube-system exec 'cilium-%2e%2e' -- cilium-dbg status");

        Assert.Equal((1, "", "Error from server (NotFound): pods \"cilium-zzzzz\" not found\n"), unknown);
        Assert.Equal((1, "", "Error from server (NotFound): daemonsets.apps \"cilium\" not found\n"), wrongNamespace);
        Assert.Equal((126, "", "error: the lab's Cilium agent runs cilium-dbg, hubble and tcpdump; \"sh\" is not available there\n"), program);
        Assert.Equal((1, "", "Error from server (NotFound): pods \"cilium-$(id);x\" not found\n"), shelly);
        Assert.Equal((1, ""), (pathy.Status, pathy.Out));
        Assert.StartsWith("error: invalid resource name \"cilium-%2e%2e\"", pathy.Err, StringComparison.Ordinal);
    }
}
