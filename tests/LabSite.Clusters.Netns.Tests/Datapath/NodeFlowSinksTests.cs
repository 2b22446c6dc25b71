using System.Net;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Netns.Datapath;
using LabSite.Clusters.Netns.Flows;

namespace LabSite.Clusters.Netns.Tests.Datapath;

public sealed class NodeFlowSinksTests
{
    private sealed class NoPods : IEndpointLookup
    {
        public string NodeName => "labsite/lab";

        public EndpointView? ByAddress(IPAddress address) => null;

        public IReadOnlyList<string> LabelsOf(uint identity) => [];

        public IReadOnlyList<Contract.Flows.Policy> PoliciesFor(ushort endpointId, bool egress, uint remoteIdentity, byte protocol, ushort port) => [];
    }

    private static Flow Dns(string nodeName) => new()
    {
        Type = FlowType.L7,
        NodeName = nodeName,
        IP = new IP { Source = "10.1.1.5", Destination = "10.1.0.1" },
        Source = new Endpoint { Identity = 31028 },
        Destination = new Endpoint { Identity = 1 },
    };

    [Fact]
    public void A_flow_keeps_the_node_its_publisher_named_and_an_unnamed_one_gets_the_first_node()
    {
        var ring = new FlowRing();
        var sinks = new NodeFlowSinks(new NoPods(), ring);

        sinks.Publish(Dns("labsite/lab-worker"));
        sinks.Publish(Dns(""));
        sinks.For("labsite/lab-worker2").Publish(Dns("ignored"));

        Assert.Equal(["labsite/lab-worker", "labsite/lab", "labsite/lab-worker2"], ring.History(last: null).Select(r => r.Flow.NodeName));
        Assert.Same(sinks.For("labsite/lab-worker"), sinks.For("labsite/lab-worker"));
    }
}
