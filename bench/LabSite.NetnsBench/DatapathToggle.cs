using System.Diagnostics;
using System.Text.Json.Nodes;
using LabSite.Clusters.Netns;
using LabSite.Clusters.Netns.Bpf;
using LabSite.Clusters.Netns.Bpf.Interop;
using LabSite.Clusters.Netns.Datapath;
using LabSite.Clusters.Netns.Kernel;
using LabSite.Clusters.Netns.Pods;

namespace LabSite.NetnsBench;

/// <summary>
/// Takes a lab's tc programs off some pods' veths and puts them back, for a no-BPF baseline on the very same
/// namespaces, veths and routes. Re-attaching loads a second copy of bpf_lxc that reuses the lab's pinned maps
/// (endpoints, policy, conntrack, events), so the agent's state keeps deciding. Detaching is checked with the
/// kernel (no filter left at either hook).
/// </summary>
public sealed class DatapathToggle : IDisposable
{
    private readonly PolicyDatapath _datapath;
    private readonly string _nodeNetnsPath;
    private readonly int[] _ifIndexes;

    private DatapathToggle(PolicyDatapath datapath, string nodeNetnsPath, int[] ifIndexes)
    {
        _datapath = datapath;
        _nodeNetnsPath = nodeNetnsPath;
        _ifIndexes = ifIndexes;
    }

    public static async Task<DatapathToggle> OpenAsync(NetnsCluster cluster, IEnumerable<PodRuntime> pods)
    {
        using var ip = Process.Start(new ProcessStartInfo("ip", ["-n", cluster.Names.NodeNetns, "-j", "link", "show"]) { RedirectStandardOutput = true })!;
        var json = await ip.StandardOutput.ReadToEndAsync();
        await ip.WaitForExitAsync();
        var all = JsonNode.Parse(json)!.AsArray().ToDictionary(l => (string)l!["ifname"]!, l => (int)l!["ifindex"]!);
        var indexes = pods.Select(p => all[p.NodeVeth]).ToArray();
        return new DatapathToggle(new PolicyDatapath(cluster.Names.BpffsDirectory), LabNames.NetnsPath(cluster.Names.NodeNetns), indexes);
    }

    public Task DetachAsync() => NetnsThread.RunAsync(_nodeNetnsPath, () =>
    {
        foreach (var i in _ifIndexes)
        {
            _datapath.Detach(i);
            if (BpfTc.QueryProgramId(i, TcAttachPoint.Ingress) is not null || BpfTc.QueryProgramId(i, TcAttachPoint.Egress) is not null)
            {
                throw new InvalidOperationException($"ifindex {i}: a tc program is still attached after detach");
            }
        }
    });

    public Task AttachAsync() => NetnsThread.RunAsync(_nodeNetnsPath, () =>
    {
        foreach (var i in _ifIndexes)
        {
            _datapath.Attach(i);
        }
    });

    public void Dispose() => _datapath.Dispose();
}
