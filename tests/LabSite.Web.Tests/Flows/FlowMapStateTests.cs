using LabSite.Clusters.Contract.Flows;
using LabSite.Web.Flows;

namespace LabSite.Web.Tests.Flows;

public sealed class FlowMapStateTests
{
    private static Endpoint Pod(string name, uint identity) => new() { Namespace = "default", PodName = name, Identity = identity };

    [Fact]
    public void Replicas_of_one_deployment_are_one_node_and_other_pods_keep_their_names()
    {
        var first = FlowMapState.NodeOf(Pod("deathstar-7848d6c4d5-x2j9q", 258), null);
        var second = FlowMapState.NodeOf(Pod("deathstar-7848d6c4d5-bq6zw", 258), null);

        Assert.Equal(("default/deathstar", "deathstar"), (first.Key, first.Name));
        Assert.Equal(first.Key, second.Key);
        Assert.Equal("default/xwing", FlowMapState.NodeOf(Pod("xwing", 257), null).Key);
        // Not Kubernetes' generated suffixes (vowels, wrong lengths): the pod's own name.
        Assert.Equal("default/web-server-abcde", FlowMapState.NodeOf(Pod("web-server-abcde", 300), null).Key);
        Assert.Equal("default/api-v2-12", FlowMapState.NodeOf(Pod("api-v2-12", 301), null).Key);
    }

    [Fact]
    public void Flows_to_two_replicas_draw_one_edge_with_both_counts()
    {
        var state = new FlowMapState();
        foreach (var replica in new[] { "deathstar-7848d6c4d5-x2j9q", "deathstar-7848d6c4d5-bq6zw" })
        {
            state.Add(new FlowRecord(new Flow { Verdict = Verdict.DROPPED, Source = Pod("xwing", 257), Destination = Pod(replica, 258) }, "node", new Timestamp(1, 0)));
        }

        var edge = Assert.Single(state.Edges);
        Assert.Equal("default/xwing>default/deathstar>Dropped", edge.Key);
        Assert.Equal(2, edge.Count);
        Assert.Equal(2, state.Nodes.Count);
    }
}
