using System.Buffers.Binary;
using System.Net;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Netns.Dns;
using LabSite.Clusters.Netns.Fqdn;
using LabSite.Clusters.Netns.Proxy.Flows;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.Dns;

/// <summary>The DNS proxy's decisions, flows and cache records, without a kernel (the privileged tests send real packets).</summary>
public class DnsProxyTests
{
    private static readonly IPAddress s_server = IPAddress.Parse("10.1.0.1");
    private static readonly IPEndPoint s_pod = new(IPAddress.Parse("10.1.0.2"), 40000);
    private static readonly IPAddress s_api = IPAddress.Parse("198.18.0.10");
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
    private readonly Sink _flows = new();
    private int _learned;

    private sealed class Sink : IL7FlowSink
    {
        public List<Flow> Flows { get; } = [];

        public void Publish(Flow flow) => Flows.Add(flow);
    }

    private (DnsProxy Proxy, FqdnCache Cache) Proxy(DnsRuleSet? rules)
    {
        var cache = new FqdnCache(_clock);
        var client = new DnsClient(7, new NumericIdentity(12345), rules, "lab-worker");
        return (new DnsProxy(ip => ip.Equals(s_pod.Address) ? client : null, cache, () => _learned++, _flows, s_server, _clock), cache);
    }

    private static DnsRuleSet Rules(params string[] patterns) => new([.. patterns.Select(p => FqdnSelector.Pattern(p, out _)!)]);

    private static DnsResolution Resolve(DnsMessage.Question q) => q.Name == "api.example.com"
        ? new DnsResolution(DnsMessage.NoError, s_api, 60)
        : new DnsResolution(DnsMessage.ServerFailure, null, 30);

    private static byte[] Query(string name, ushort type = DnsMessage.TypeA)
    {
        var bytes = new List<byte> { 0xAB, 0xCD, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
        foreach (var label in name.Split('.'))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(label));
        }
        bytes.AddRange([0, (byte)(type >> 8), (byte)type, 0, 1]);
        return [.. bytes];
    }

    private static int Rcode(byte[] reply) => reply[3] & 0x0F;

    private static int Answers(byte[] reply) => BinaryPrimitives.ReadUInt16BigEndian(reply.AsSpan(6));

    [Fact]
    public void An_allowed_name_is_answered_recorded_and_reported_as_request_and_response_flows()
    {
        var (proxy, cache) = Proxy(Rules("*.example.com"));
        var reply = proxy.Handle(s_pod, Query("API.example.com"), Resolve)!;

        Assert.Equal((0, 1), (Rcode(reply), Answers(reply)));
        Assert.Equal(1, _learned);
        var lookup = Assert.Single(cache.List());
        Assert.Equal((7, "api.example.com.", 60u, "lookup"), (lookup.EndpointId, lookup.Fqdn, lookup.Ttl, lookup.Source));
        Assert.Equal([s_api], lookup.Ips);

        Assert.Equal(2, _flows.Flows.Count);
        var (request, response) = (_flows.Flows[0], _flows.Flows[1]);
        Assert.Equal((L7FlowType.REQUEST, Verdict.FORWARDED, FlowType.L7), (request.L7!.Type, request.Verdict, request.Type));
        Assert.Equal("DNS Query api.example.com. A", request.Summary);
        Assert.Equal(("10.1.0.2", "10.1.0.1", 53u), (request.IP!.Source, request.IP.Destination, request.L4!.UDP!.DestinationPort));
        Assert.Equal((12345u, NumericIdentity.Host.Value), (request.Source!.Identity, request.Destination!.Identity));
        Assert.Equal(TrafficDirection.EGRESS, request.TrafficDirection);
        // Both flows name the client pod's node, whose DNS proxy Cilium would have judged them with.
        Assert.Equal(("lab-worker", "lab-worker"), (request.NodeName, response.NodeName));
        Assert.Equal(L7FlowType.RESPONSE, response.L7!.Type);
        Assert.True(response.IsReply);
        var dns = response.L7.Dns!;
        Assert.Equal(("api.example.com.", 60u, 0u, "proxy"), (dns.Query, dns.Ttl, dns.Rcode, dns.ObservationSource));
        Assert.Equal(["198.18.0.10"], dns.Ips);
        Assert.Equal(["A"], dns.Qtypes);
        Assert.Equal("DNS Answer \"198.18.0.10\" TTL: 60 (Proxy api.example.com. A)", response.Summary);
        Assert.True(FlowFilterBuilderFor("dns").Matches(response));
    }

    private static FlowFilterSet FlowFilterBuilderFor(string protocol) => new FlowFilterBuilder().Add("protocol", protocol).Build();

    [Fact]
    public void A_name_no_rule_allows_is_refused_reported_dropped_and_not_recorded()
    {
        var (proxy, cache) = Proxy(Rules("*.example.com"));
        var reply = proxy.Handle(s_pod, Query("evil.example.org"), Resolve)!;

        Assert.Equal((5, 0), (Rcode(reply), Answers(reply)));
        Assert.Empty(cache.List());
        Assert.Equal(0, _learned);
        var flow = Assert.Single(_flows.Flows);
        Assert.Equal((Verdict.DROPPED, L7FlowType.REQUEST, "evil.example.org."), (flow.Verdict, flow.L7!.Type, flow.L7.Dns!.Query));
        Assert.Equal("lab-worker", flow.NodeName);
    }

    [Theory]
    [InlineData("example.com")] // the pattern needs a label before the suffix
    [InlineData("a.b.example.com")] // '*' stays within one label
    [InlineData("example.com.evil.org")]
    [InlineData("xexample.com")]
    public void Names_that_do_not_match_the_pattern_are_refused(string name)
    {
        var (proxy, _) = Proxy(Rules("*.example.com"));
        Assert.Equal(5, Rcode(proxy.Handle(s_pod, Query(name), Resolve)!));
    }

    [Fact]
    public void Malformed_queries_get_no_answer_no_flow_and_no_record()
    {
        var (proxy, cache) = Proxy(Rules("*"));
        var random = new Random(53);
        for (var i = 0; i < 5000; i++)
        {
            var bytes = new byte[random.Next(0, 80)];
            random.NextBytes(bytes);
            if (bytes.Length > 2)
            {
                bytes[2] |= 0x80; // a response sent as a query
            }
            Assert.Null(proxy.Handle(s_pod, bytes, Resolve));
        }
        Assert.Null(proxy.Handle(s_pod, [0xC0, 0x0C, 0xC0, 0x0C], Resolve));
        // A question whose name is a compression pointer loop.
        Assert.Null(proxy.Handle(s_pod, [0xAB, 0xCD, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 0x0C, 0, 1, 0, 1], Resolve));
        Assert.Empty(_flows.Flows);
        Assert.Empty(cache.List());

        // Random bytes shaped like queries: never a throw, never a record; any reply echoes the id.
        for (var i = 0; i < 5000; i++)
        {
            var bytes = new byte[random.Next(12, 120)];
            random.NextBytes(bytes);
            bytes[2] &= 0x7F;
            (bytes[4], bytes[5]) = (0, 1);
            if (proxy.Handle(s_pod, bytes, Resolve) is { } reply)
            {
                Assert.Equal((bytes[0], bytes[1]), (reply[0], reply[1]));
            }
        }
        Assert.Empty(cache.List());
    }

    [Fact]
    public void An_endpoint_without_dns_rules_is_answered_unobserved()
    {
        var (proxy, cache) = Proxy(null);
        var reply = proxy.Handle(s_pod, Query("api.example.com"), Resolve)!;
        Assert.Equal((0, 1), (Rcode(reply), Answers(reply)));
        Assert.Empty(_flows.Flows);
        Assert.Empty(cache.List());
        // A source that is no endpoint (the node itself) likewise.
        Assert.NotNull(proxy.Handle(new IPEndPoint(s_server, 999), Query("api.example.com"), Resolve));
        Assert.Empty(_flows.Flows);
    }

    [Fact]
    public void Failed_and_non_address_answers_record_nothing()
    {
        var (proxy, cache) = Proxy(Rules("*"));
        var fail = proxy.Handle(s_pod, Query("nowhere.example.com"), Resolve)!;
        Assert.Equal(2, Rcode(fail));
        Assert.Equal("DNS Answer RCode: Server Failure TTL: 4294967295 (Proxy nowhere.example.com. A)", _flows.Flows[^1].Summary);
        var aaaa = proxy.Handle(s_pod, Query("api.example.com", 28), Resolve)!;
        Assert.Equal((0, 0), (Rcode(aaaa), Answers(aaaa)));
        Assert.Equal(["AAAA"], _flows.Flows[^1].L7!.Dns!.Qtypes);
        Assert.Empty(cache.List());
    }

    [Fact]
    public void Lookups_expire_with_their_ttl_raised_to_the_minimum()
    {
        var cache = new FqdnCache(_clock, minTtl: 120);
        var client = new DnsClient(7, new NumericIdentity(12345), Rules("*"));
        var proxy = new DnsProxy(_ => client, cache, () => _learned++, _flows, s_server, _clock);
        proxy.Handle(s_pod, Query("api.example.com"), Resolve);
        Assert.Equal(120u, Assert.Single(cache.List()).Ttl);

        _clock.Now += TimeSpan.FromSeconds(119);
        Assert.Empty(cache.Expire());
        _clock.Now += TimeSpan.FromSeconds(1);
        Assert.Equal("api.example.com.", Assert.Single(cache.Expire()).Fqdn);
        Assert.Empty(cache.List());
    }
}
