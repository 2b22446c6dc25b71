using System.Net;
using LabSite.Clusters.Contract;

namespace LabSite.Clusters.Netns;

/// <summary>
/// The address plan of the lab in slot <c>s</c> (0-based). Labs never share a routing domain, but their
/// ranges still do not overlap, so addresses in logs and flows are unambiguous on a host:
/// pods 10.&lt;n&gt;.0.0/16 with n = s+1 (1..95) or s+17 (112..), skipping 10.96-111 which holds the
/// services, 10.96.0.0/12 cut into one /20 per lab (lab 0: 10.96.0.0/20, lab 1: 10.96.16.0/20, ...).
/// The node holds 10.&lt;n&gt;.0.1 and the link-local gateway 169.254.1.1 on every pod-facing veth.
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
