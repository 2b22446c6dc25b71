using System.Text.RegularExpressions;
using LabSite.Shell.Tests.Support;
using LabSite.Testing;

namespace LabSite.Shell.Tests;

/// <summary>
/// A two-node lab through the lab shell behind a real agent (the real kubectl): nodes with their pod CIDRs, pods'
/// NODE column, <c>cilium-dbg node list</c>, and Hubble's overlay observation points with node names.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class MultiNodeShellPrivilegedTests : IAsyncLifetime
{
    private AgentLabShell _lab = null!;

    public async Task InitializeAsync()
    {
        _lab = await AgentLabShell.StartAsync("mnsh", RepositoryPaths.StarWarsManifests, nodes: 2);
    }

    public async Task DisposeAsync() => await _lab.DisposeAsync();

    private Task<(int Status, string Out, string Err)> Run(string line) => _lab.RunAsync(line);

    [Fact]
    public async Task Nodes_placement_and_the_tunnel_as_a_learner_sees_them()
    {
        var nodes = await Run("kubectl get nodes");
        Assert.Matches(new Regex(@"^NAME +STATUS +ROLES +AGE +VERSION\nmnsh +Ready +control-plane +\d+s +v1\.34\.0\nmnsh-worker +Ready +<none> +\d+s +v1\.34\.0\n$"), nodes.Out);
        var cidrs = await Run("kubectl get nodes -o jsonpath={.items[*].spec.podCIDR}");
        Assert.Equal($"{_lab.Cluster.Nodes[0].PodCidr} {_lab.Cluster.Nodes[1].PodCidr}", cidrs.Out);

        Assert.Equal(0, (await Run("kubectl create -f http-sw-app.yaml")).Status);
        await _lab.Cluster.WaitUntilSettledAsync(CancellationToken.None);
        var wide = (await Run("kubectl get pods -o wide")).Out;
        foreach (var pod in _lab.Cluster.Pods)
        {
            Assert.Matches(new Regex($@"(?m)^{Regex.Escape(pod.Spec.Name)} +1/1 +Running +0 +\d+s +{Regex.Escape(pod.Ip.ToString())} +{Regex.Escape(pod.Node.Name)} +<none> +<none>$"), wide);
        }

        var list = await Run("kubectl -n kube-system exec ds/cilium -- cilium-dbg node list");
        var listed = new Regex($@"^Name +IPv4 Address +Endpoint CIDR +IPv6 Address +Endpoint CIDR +Source\nmnsh +{Regex.Escape(_lab.Cluster.Nodes[0].NodeIp.ToString())} +{Regex.Escape(_lab.Cluster.Nodes[0].PodCidr)} +local\nmnsh-worker +{Regex.Escape(_lab.Cluster.Nodes[1].NodeIp.ToString())} +{Regex.Escape(_lab.Cluster.Nodes[1].PodCidr)} +custom-resource\n$");
        Assert.True(listed.IsMatch(list.Out), $"cilium-dbg node list printed:\n{list.Out}{list.Err}");

        var remote = _lab.Cluster.Pods.First(p => p.Spec.Name.StartsWith("deathstar-", StringComparison.Ordinal) && p.Node.Index != _lab.Cluster.FindPod("default", "tiefighter")!.Node.Index);
        Assert.Equal((0, "Ship landed\n", ""), await Run($"kubectl exec tiefighter -- curl -s --connect-timeout 2 -XPOST http://{remote.Ip}/v1/request-landing"));
        var overlay = "";
        for (var i = 0; i < 50 && !overlay.Contains("to-overlay", StringComparison.Ordinal); i++)
        {
            overlay = (await Run($"hubble observe --from-pod default/tiefighter --to-ip {remote.Ip} --type trace:to-overlay --print-node-name")).Out;
            await Task.Delay(100);
        }
        Assert.Contains($"[{_lab.Cluster.FindPod("default", "tiefighter")!.Node.HubbleName}]", overlay);
        Assert.Contains("to-overlay FORWARDED (TCP Flags: SYN)", overlay);
        var fromOverlay = (await Run($"hubble observe --from-pod default/tiefighter --to-ip {remote.Ip} --type trace:from-overlay --print-node-name")).Out;
        Assert.Contains($"[{remote.Node.HubbleName}]", fromOverlay);
    }
}
