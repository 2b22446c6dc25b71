using LabSite.Clusters.Contract.Inspection;

namespace LabSite.Shell.Node;

/// <summary>
/// <c>kubectl -n kube-system exec ds/cilium -- tcpdump -n -i cilium_vxlan esp</c>, as Cilium's IPsec guide validates
/// the setup from an agent pod: the same read-only capture as <c>node tcpdump</c> (<see cref="NodeCommand"/>: root
/// capture with a fixed argv, decoding unprivileged, the backend checking every argument), on the node that agent pod
/// runs on (<c>ds/cilium</c>: the first node's). <c>--while POD -- COMMAND</c>
/// is the lab shell's addition: it runs one command at a time, so traffic comes with the capture.
/// </summary>
public sealed class AgentPodTcpdump(IShellCommand node) : IShellCommand
{
    public string Name => "tcpdump";

    public string Summary => "tcpdump in the lab's Cilium agent pod (its node's eth0 or cilium_vxlan), read-only";

    /// <summary>The agent pod's node; with no agent pods listed, the first node, where <c>ds/cilium</c> lands.</summary>
    public Task<int> RunAsync(CommandContext context) =>
        node.RunAsync(context.With(["tcpdump", context.AgentInspector is Cilium.NodeAgentInspector agent ? agent.Node : NodeCaptureRequest.AgentDaemonSet, .. context.Args]));
}
