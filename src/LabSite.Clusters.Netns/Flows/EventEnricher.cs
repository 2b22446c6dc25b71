using System.Collections.Concurrent;
using System.Net;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Netns.Bpf.Abi;

namespace LabSite.Clusters.Netns.Flows;

/// <summary>
/// Fills the parts every event shares: addresses, L4, endpoints (identity from the datapath; pod, namespace,
/// labels from the lab), node name, interface and summary. One small method per field group.
/// Hot path (every ring-buffer event): what repeats across events — a lab's few addresses, the 256 possible TCP
/// flag sets and their summaries — is built once and shared (the shared objects are immutable).
/// </summary>
public sealed class EventEnricher(IEndpointLookup lookup)
{
    private const int MaxCachedAddresses = 4096;

    private static readonly TCPFlags[] s_flagsByByte = Enumerable.Range(0, 256).Select(b => Flags((byte)b)).ToArray();

    private static readonly string[] s_tcpSummaryByByte =
        s_flagsByByte.Select(f => FlowText.Summary(new Layer4 { TCP = new TCP(0, 0, f) })).ToArray();

    private readonly ConcurrentDictionary<uint, (IPAddress Address, string Text)> _addresses = new();

    public IEndpointLookup Lookup => lookup;

    public Flow Base(in EventHeaderAbi hdr, in EventPacketAbi pkt, MonotonicClock clock)
    {
        var src = Address(pkt.SaddrNetworkOrder);
        var dst = Address(pkt.DaddrNetworkOrder);
        var flow = new Flow
        {
            Time = clock.ToTimestamp(hdr.KtimeNs),
            Uuid = Guid.NewGuid().ToString(),
            IP = new IP { Source = src.Text, Destination = dst.Text, IpVersion = IPVersion.IPv4 },
            L4 = Layer4Of(pkt),
            Source = Endpoint(src.Address, pkt.SourceIdentity),
            Destination = Endpoint(dst.Address, pkt.DestinationIdentity),
            Type = FlowType.L3_L4,
            NodeName = lookup.NodeNameOf(hdr.EndpointId),
            Interface = new NetworkInterface(hdr.IfIndex, ""),
        };
        flow.Summary = pkt.Protocol == 6 ? s_tcpSummaryByByte[pkt.TcpFlags] : FlowText.Summary(flow.L4);
        return flow;
    }

    /// <summary>is_reply as the datapath knew it: null (unknown, printed &lt;&gt;), true or false.</summary>
    public static bool? IsReply(in EventHeaderAbi hdr) =>
        (hdr.Flags & EventCodes.FlagIsReplyKnown) == 0 ? null : (hdr.Flags & EventCodes.FlagIsReply) != 0;

    private static Layer4? Layer4Of(in EventPacketAbi pkt)
    {
        var sport = (uint)NetworkOrder.ToPort(pkt.SportNetworkOrder);
        var dport = (uint)NetworkOrder.ToPort(pkt.DportNetworkOrder);
        return pkt.Protocol switch
        {
            6 => new Layer4 { TCP = new TCP(sport, dport, s_flagsByByte[pkt.TcpFlags]) },
            17 => new Layer4 { UDP = new UDP(sport, dport) },
            132 => new Layer4 { SCTP = new UDP(sport, dport) },
            1 => new Layer4 { ICMPv4 = new ICMP(pkt.IcmpType, pkt.IcmpCode) },
            _ => null,
        };
    }

    private static TCPFlags Flags(byte f) => new(
        FIN: (f & 0x01) != 0, SYN: (f & 0x02) != 0, RST: (f & 0x04) != 0, PSH: (f & 0x08) != 0,
        ACK: (f & 0x10) != 0, URG: (f & 0x20) != 0, ECE: (f & 0x40) != 0, CWR: (f & 0x80) != 0);

    /// <summary>The address and its text, parsed once per address (cleared when a lab has churned through many).</summary>
    private (IPAddress Address, string Text) Address(uint be32)
    {
        if (_addresses.TryGetValue(be32, out var known))
        {
            return known;
        }
        if (_addresses.Count >= MaxCachedAddresses)
        {
            _addresses.Clear();
        }
        var address = NetworkOrder.ToAddress(be32);
        return _addresses[be32] = (address, address.ToString());
    }

    private Endpoint Endpoint(IPAddress address, uint identity)
    {
        var ep = new Endpoint { Identity = identity };
        if (lookup.ByAddress(address) is { } view)
        {
            ep.ID = view.Id;
            ep.Namespace = view.Namespace;
            ep.PodName = view.PodName;
            ep.Labels = [.. view.Labels];
            ep.Workloads = [.. view.Workloads];
            ep.ClusterName = view.ClusterName ?? "";
        }
        else
        {
            ep.Labels = [.. lookup.LabelsOf(identity)];
        }
        return ep;
    }
}
