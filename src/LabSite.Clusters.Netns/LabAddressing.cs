using System.Net;
using LabSite.Clusters.Contract;

namespace LabSite.Clusters.Netns;

/// <summary>
/// The address plan of the lab in slot <c>s</c> (0-based). Labs never share a routing domain, but their
/// ranges still do not overlap, so addresses in logs and flows are unambiguous on a host:
/// pods 10.&lt;n&gt;.0.0/16 with n = s+1 (1..95) or s+17 (112..), skipping 10.96-111 which holds the
/// services, 10.96.0.0/12 cut into one /20 per lab (lab 0: 10.96.0.0/20, lab 1: 10.96.16.0/20, ...).
/// The node holds 10.&lt;n&gt;.0.1 and the link-local gateway 169.254.1.1 on every pod-facing veth.
/// A lab of several nodes cuts its /16 into one /18 per node (node k: 10.&lt;n&gt;.64k.0/18, holding 10.&lt;n&gt;.64k.1),
/// so node 1 keeps the single-node addresses; the nodes meet on an underlay 172.16.s.0/24 (node k at .k+2).
/// </summary>
public sealed record LabAddressing(int Slot)
{
    public static readonly IPAddress Gateway = IPAddress.Parse("169.254.1.1");

    public const int MaxSlots = 200;

    public int PodOctet => Slot < 95 ? Slot + 1 : Slot + 17;

    public string PodCidr => $"10.{PodOctet}.0.0/16";

    public IPAddress NodeIp => IPAddress.Parse($"10.{PodOctet}.0.1");

    public string ServiceCidr => $"10.{96 + (Slot / 16)}.{Slot % 16 * 16}.0/20";

    /// <summary>The n-th pod address (n from 0): 10.P.0.2, 10.P.0.3, ... up to 10.P.255.254.</summary>
    public IPAddress PodIp(int n)
    {
        var host = n + 2;
        if (host > 65534)
        {
            throw new ClusterException($"pod range {PodCidr} is exhausted");
        }

        return IPAddress.Parse($"10.{PodOctet}.{host / 256}.{host % 256}");
    }

    /// <summary>The pod range of node <paramref name="node"/> (0-based) in a lab of <paramref name="nodes"/> nodes.</summary>
    public string NodePodCidr(int node, int nodes) => nodes == 1 ? PodCidr : $"10.{PodOctet}.{node * 64}.0/18";

    /// <summary>The address node <paramref name="node"/> holds in its own pod range (node 0: <see cref="NodeIp"/>).</summary>
    public IPAddress NodeIpOf(int node) => IPAddress.Parse($"10.{PodOctet}.{node * 64}.1");

    /// <summary>The n-th pod address (n from 0) in node <paramref name="node"/>'s /18 of a multi-node lab.</summary>
    public IPAddress PodIpOnNode(int node, int n)
    {
        var host = n + 2;
        if (host > 16382)
        {
            throw new ClusterException($"pod range {NodePodCidr(node, 2)} is exhausted");
        }

        return IPAddress.Parse($"10.{PodOctet}.{(node * 64) + (host / 256)}.{host % 256}");
    }

    /// <summary>The underlay that carries VXLAN between a multi-node lab's nodes: pods never reach it (bpf_lxc drops).</summary>
    public string UnderlayCidr => $"172.16.{Slot}.0/24";

    /// <summary>Node <paramref name="node"/>'s underlay address: its InternalIP and tunnel endpoint.</summary>
    public IPAddress UnderlayIp(int node) => IPAddress.Parse($"172.16.{Slot}.{node + 2}");

    /// <summary>The n-th service address inside the /20 (n from 0 up to 4093): .0.1 first, like kubernetes' 10.96.0.1.</summary>
    public IPAddress ServiceIp(int n)
    {
        if (n is < 0 or > 4093)
        {
            throw new ClusterException($"service range {ServiceCidr} is exhausted");
        }

        var host = n + 1;
        return IPAddress.Parse($"10.{96 + (Slot / 16)}.{(Slot % 16 * 16) + (host / 256)}.{host % 256}");
    }

    /// <summary>default/kubernetes's ClusterIP, the first of the range (10.96.0.1 in lab 0, as in a real cluster): the lab's API answers there.</summary>
    public IPAddress KubernetesServiceIp => ServiceIp(0);

    public bool InServiceRange(IPAddress ip)
    {
        var b = ip.GetAddressBytes();
        return b.Length == 4 && b[0] == 10 && b[1] == 96 + (Slot / 16) && b[2] >= Slot % 16 * 16 && b[2] < (Slot % 16 * 16) + 16;
    }
}
