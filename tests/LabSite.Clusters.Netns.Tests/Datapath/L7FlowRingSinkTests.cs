using System.Net;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Netns.Datapath;
using LabSite.Clusters.Netns.Flows;

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
}
