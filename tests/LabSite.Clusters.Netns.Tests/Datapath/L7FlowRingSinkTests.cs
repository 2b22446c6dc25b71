using System.Net;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Netns.Datapath;
using LabSite.Clusters.Netns.Flows;
using LabSite.Clusters.Netns.Proxy.Flows;
using LabSite.Clusters.Netns.Proxy.Http;

namespace LabSite.Clusters.Netns.Tests.Datapath;

public sealed class L7FlowRingSinkTests
{
    private sealed class Pods : IEndpointLookup
    {
        public string NodeName => "labsite/lab";

        public EndpointView? ByAddress(IPAddress address) =>
            address.ToString() == "10.1.0.4" ? new EndpointView(3, "default", "deathstar-1", ["k8s:class=deathstar"], []) : null;

        public IReadOnlyList<string> LabelsOf(uint identity) => identity == 2 ? ["reserved:world"] : [];

        public IReadOnlyList<Contract.Flows.Policy> PoliciesFor(ushort endpointId, bool egress, uint remoteIdentity, byte protocol, ushort port) => [];
    }

    [Fact]
    public void Proxy_flows_get_pod_names_for_pods_and_identity_labels_otherwise()
    {
        var ring = new FlowRing();
        var flow = new Flow
        {
            Type = FlowType.L7,
            IP = new IP { Source = "192.0.2.7", Destination = "10.1.0.4" },
            Source = new Endpoint { Identity = 2 },
            Destination = new Endpoint { Identity = 31028 },
        };

        new L7FlowRingSink(new Pods(), ring).Publish(flow);

        var written = Assert.Single(ring.History(last: null)).Flow;
        Assert.Equal(("deathstar-1", "default", 3u), (written.Destination!.PodName, written.Destination.Namespace, written.Destination.ID));
        Assert.Equal(["reserved:world"], written.Source!.Labels);
        Assert.Equal("", written.Source.PodName);
        Assert.Equal("labsite/lab", written.NodeName);
        Assert.NotEqual("", written.Uuid);
    }

    private sealed class OnePod(EndpointView view) : IEndpointLookup
    {
        public EndpointView View { get; set; } = view;

        public string NodeName => "labsite/lab";

        public EndpointView? ByAddress(IPAddress address) => address.ToString() == "10.1.0.4" ? View : null;

        public IReadOnlyList<string> LabelsOf(uint identity) => [];

        public IReadOnlyList<Contract.Flows.Policy> PoliciesFor(ushort endpointId, bool egress, uint remoteIdentity, byte protocol, ushort port) => [];
    }

    private static Flow ToDeathstar() => new()
    {
        Type = FlowType.L7,
        IP = new IP { Source = "192.0.2.7", Destination = "10.1.0.4" },
        Source = new Endpoint { Identity = 2 },
        Destination = new Endpoint { Identity = 31028 },
    };

    [Fact]
    public void Flows_of_one_pod_share_its_label_lists_until_the_pod_is_registered_again()
    {
        var ring = new FlowRing();
        var pods = new OnePod(new EndpointView(3, "default", "deathstar-1", ["k8s:class=deathstar"], [new Workload("deathstar", "Deployment")]));
        var sink = new L7FlowRingSink(pods, ring);

        sink.Publish(ToDeathstar());
        sink.Publish(ToDeathstar());
        pods.View = new EndpointView(3, "default", "deathstar-1", ["k8s:class=deathstar", "k8s:version=2"], []);
        sink.Publish(ToDeathstar());

        var written = ring.History(last: null).Select(r => r.Flow).ToList();
        var flows = written.Select(f => f.Destination!).ToList();
        Assert.Same(flows[0].Labels, flows[1].Labels);
        Assert.Same(flows[0].Workloads, flows[1].Workloads);
        Assert.Equal(["k8s:class=deathstar"], flows[1].Labels);
        Assert.Equal([new Workload("deathstar", "Deployment")], flows[1].Workloads);
        Assert.Equal(["k8s:class=deathstar", "k8s:version=2"], flows[2].Labels);
        Assert.Empty(flows[2].Workloads);
        Assert.NotEqual(written[0].Uuid, written[1].Uuid);
    }

    [Fact]
    public void Http_flows_stay_compact_until_read_then_show_the_pods_and_the_headers_as_they_were_when_published()
    {
        var ring = new FlowRing();
        var sink = new L7FlowRingSink(new Pods(), ring);
        var flows = new L7FlowFactory("factory-node", TimeProvider.System);
        var exchange = new L7Exchange(
            new IPEndPoint(IPAddress.Parse("192.0.2.7"), 40000), new Contract.Identity.NumericIdentity(2),
            new IPEndPoint(IPAddress.Parse("10.1.0.4"), 80), new Contract.Identity.NumericIdentity(31028), TrafficDirection.EGRESS, 15001);
        var request = new HttpRequestHead
        {
            Method = "GET",
            Target = "/v1/x",
            Version = HttpWireVersion.Http11,
            Headers = new HttpHeaderList { { "Host", "deathstar" }, { "X-Token", "a" } },
        };

        sink.Publish(flows.Request(exchange, request, allowed: true));
        request.Headers.RemoveAll("X-Token"); // a rule's header action, after the request flow was published
        request.Headers.Add("X-Added", "b");
        sink.Publish(flows.Response(exchange, request, 200, TimeSpan.FromMilliseconds(3.5)));

        var (req, resp) = (ring.History(last: null)[0].Flow, ring.History(last: null)[1].Flow);
        Assert.Equal(("labsite/lab", "labsite/lab"), (req.NodeName, resp.NodeName));
        Assert.Equal(("", "deathstar-1"), (req.Source!.PodName, req.Destination!.PodName));
        Assert.Equal(("deathstar-1", ""), (resp.Source!.PodName, resp.Destination!.PodName));
        Assert.Equal((2u, 31028u), (req.Source.Identity, req.Destination.Identity));
        Assert.Equal(["reserved:world"], req.Source.Labels);
        Assert.Equal(["k8s:class=deathstar"], resp.Source.Labels);
        Assert.Equal([new HTTPHeader("Host", "deathstar"), new HTTPHeader("X-Token", "a")], req.L7!.Http!.Headers);
        Assert.Equal([new HTTPHeader("Host", "deathstar"), new HTTPHeader("X-Added", "b")], resp.L7!.Http!.Headers);
        Assert.Equal("HTTP/1.1 GET http://deathstar/v1/x", req.Summary);
        Assert.Equal("HTTP/1.1 200 3ms (GET http://deathstar/v1/x)", resp.Summary);
        Assert.Equal((200u, 3_500_000ul), (resp.L7.Http.Code, resp.L7.LatencyNs));
        Assert.Equal(("192.0.2.7", "10.1.0.4", 40000u, 80u), (req.IP!.Source, req.IP.Destination, req.L4!.TCP!.SourcePort, req.L4.TCP.DestinationPort));
        Assert.True(resp.IsReply);
        Assert.Equal(Verdict.FORWARDED, req.Verdict);

        // Random (version 4) UUIDs, one per flow.
        Assert.NotEqual(req.Uuid, resp.Uuid);
        Assert.All([req.Uuid, resp.Uuid], u => Assert.Equal(4, Guid.Parse(u).Version));
    }

    [Fact]
    public void A_sink_that_does_not_keep_compact_flows_gets_them_built_with_the_factory_node()
    {
        var built = new List<Flow>();
        IL7FlowSink sink = new ListSink(built);
        var exchange = new L7Exchange(
            new IPEndPoint(IPAddress.Parse("10.1.0.9"), 40000), new Contract.Identity.NumericIdentity(5),
            new IPEndPoint(IPAddress.Parse("10.1.0.4"), 80), new Contract.Identity.NumericIdentity(6), TrafficDirection.INGRESS, 15002);
        var request = new HttpRequestHead { Method = "PUT", Target = "/v1/exhaust-port", Version = HttpWireVersion.Http10, Headers = new HttpHeaderList { { "Host", "deathstar" } } };

        sink.Publish(new L7FlowFactory("node-a", TimeProvider.System).Request(exchange, request, allowed: false));

        var flow = Assert.Single(built);
        Assert.Equal(("node-a", "", Verdict.DROPPED, "HTTP/1 PUT http://deathstar/v1/exhaust-port"), (flow.NodeName, flow.Uuid, flow.Verdict, flow.Summary));
    }

    private sealed class ListSink(List<Flow> flows) : IL7FlowSink
    {
        public void Publish(Flow flow) => flows.Add(flow);
    }
}
