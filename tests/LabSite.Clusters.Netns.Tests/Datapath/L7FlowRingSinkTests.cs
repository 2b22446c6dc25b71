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
}
