using System.Net;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Netns.Fqdn;
using LabSite.Clusters.Netns.Proxy.Flows;

namespace LabSite.Clusters.Netns.Dns;

/// <summary>What the DNS proxy needs to know about the pod a query came from; <paramref name="NodeName"/> is the pod's node.</summary>
internal sealed record DnsClient(ushort EndpointId, NumericIdentity Identity, DnsRuleSet? Rules, string NodeName = "");

/// <summary>What cluster DNS answered: a response code and zero or one address with its TTL.</summary>
internal sealed record DnsResolution(byte Rcode, IPAddress? Address, uint Ttl);

/// <summary>
/// Cilium's transparent DNS proxy, in front of the lab's cluster DNS on the node: a query from an endpoint whose
/// egress policy has <c>rules.dns</c> is judged by them. An allowed name is resolved, its answer recorded in the
/// endpoint's FQDN cache (which feeds toFQDNs) before the reply leaves, and both the query and the answer become
/// Hubble L7 DNS flows (<c>observation_source: proxy</c>). A name no rule allows gets REFUSED, Cilium's default
/// <c>--tofqdns-dns-reject-response-code</c>, and a DROPPED query flow. Endpoints without DNS rules are answered
/// as before, unobserved, as Cilium proxies only ports with DNS rules. Flows carry the client pod's node: Cilium's
/// proxy runs on each node; this one serves them all beside the lab's cluster DNS on node 1.
/// </summary>
internal sealed class DnsProxy(
    Func<IPAddress, DnsClient?> clientOf, FqdnCache cache, Action learned, IL7FlowSink flows, IPAddress server, TimeProvider time)
{
    // Hubble's TTL for answers without records.
    private const uint NoTtl = uint.MaxValue;

    public FqdnCache Cache => cache;

    /// <summary>The reply for a query from <paramref name="client"/>; null to stay silent (malformed queries).</summary>
    public byte[]? Handle(IPEndPoint client, byte[] query, Func<DnsMessage.Question, DnsResolution> resolve)
    {
        var q = DnsMessage.ParseQuery(query);
        if (q is null)
        {
            return null;
        }
        var endpoint = clientOf(client.Address);
        if (endpoint?.Rules is not { } rules)
        {
            var plain = resolve(q);
            return DnsMessage.Response(query, q, plain.Rcode, q.Type == DnsMessage.TypeA ? plain.Address : null, plain.Ttl);
        }

        var name = FqdnSelector.ToFqdn(q.Name.Length == 0 ? "." : q.Name);
        if (!rules.Allows(name))
        {
            flows.Publish(Request(client, endpoint, q, name, Verdict.DROPPED));
            return DnsMessage.Response(query, q, DnsMessage.Refused, null, 0);
        }

        flows.Publish(Request(client, endpoint, q, name, Verdict.FORWARDED));
        var r = resolve(q);
        var address = q.Type == DnsMessage.TypeA ? r.Address : null;
        // The cache (and the policy it feeds) is updated before the pod sees the answer, as Cilium holds the
        // response until the new addresses are in the endpoint's policy map; else the first connect would race it.
        if (address is not null && cache.Record(endpoint.EndpointId, name, [address], r.Ttl))
        {
            learned();
        }
        flows.Publish(Response(client, endpoint, q, name, r.Rcode, address, r.Ttl));
        return DnsMessage.Response(query, q, r.Rcode, address, r.Ttl);
    }

    private Flow Request(IPEndPoint client, DnsClient endpoint, DnsMessage.Question q, string name, Verdict verdict)
    {
        var flow = Base(client, endpoint, isReply: false, verdict);
        flow.L7 = new Layer7
        {
            Type = L7FlowType.REQUEST,
            Dns = new DNS { Query = name, ObservationSource = "proxy", Qtypes = [DnsMessage.TypeName(q.Type)] },
        };
        flow.Summary = $"DNS Query {name} {DnsMessage.TypeName(q.Type)}";
        return flow;
    }

    private Flow Response(IPEndPoint client, DnsClient endpoint, DnsMessage.Question q, string name, byte rcode, IPAddress? address, uint ttl)
    {
        var flow = Base(client, endpoint, isReply: true, Verdict.FORWARDED);
        var type = DnsMessage.TypeName(q.Type);
        flow.L7 = new Layer7
        {
            Type = L7FlowType.RESPONSE,
            Dns = new DNS
            {
                Query = name,
                Ips = address is null ? [] : [address.ToString()],
                Ttl = address is null ? NoTtl : ttl,
                ObservationSource = "proxy",
                Rcode = rcode,
                Qtypes = [type],
                Rrtypes = address is null ? [] : ["A"],
            },
        };
        flow.Summary = address is not null
            ? $"DNS Answer \"{address}\" TTL: {ttl} (Proxy {name} {type})"
            : $"DNS Answer RCode: {DnsMessage.RcodeName(rcode)} TTL: {NoTtl} (Proxy {name} {type})";
        return flow;
    }

    private Flow Base(IPEndPoint client, DnsClient endpoint, bool isReply, Verdict verdict)
    {
        var (src, dst) = isReply ? (server, client.Address) : (client.Address, server);
        var (sport, dport) = isReply ? (53u, (uint)client.Port) : ((uint)client.Port, 53u);
        var (srcId, dstId) = isReply ? (NumericIdentity.Host, endpoint.Identity) : (endpoint.Identity, NumericIdentity.Host);
        return new Flow
        {
            Time = Timestamp.FromDateTimeOffset(time.GetUtcNow()),
            Verdict = verdict,
            Type = FlowType.L7,
            EventType = new CiliumEventType(MonitorEventType.AccessLog),
            IP = new IP { Source = src.ToString(), Destination = dst.ToString(), IpVersion = IPVersion.IPv4 },
            L4 = new Layer4 { UDP = new UDP(sport, dport) },
            Source = new Endpoint { Identity = srcId.Value },
            Destination = new Endpoint { Identity = dstId.Value },
            TrafficDirection = TrafficDirection.EGRESS,
            NodeName = endpoint.NodeName,
            IsReply = isReply,
            Reply = isReply,
        };
    }
}
