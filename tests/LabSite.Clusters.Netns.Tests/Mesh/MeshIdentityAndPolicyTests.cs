using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Netns.Identity;
using LabSite.Clusters.Netns.Policy.Api;
using LabSite.Clusters.Netns.Policy.Compile;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.Mesh;

/// <summary>Identities of a meshed cluster and policy over remote identities, without a kernel.</summary>
public class MeshIdentityAndPolicyTests
{
    private static EndpointInfo Pod(ushort id, string name, string cluster, params (string K, string V)[] labels) =>
        new(new EndpointId(id), "default", name, IdentityLabels.ForPod("default", labels.ToDictionary(l => l.K, l => l.V), cluster: cluster), []);

    [Fact]
    public void A_meshed_cluster_allocates_in_its_cluster_ids_range_as_cilium_does()
    {
        var west = new IdentityAllocator(clusterId: 2);
        Assert.Equal((131328u, 196607u), (west.MinIdentity, west.MaxIdentity));
        var id = west.Acquire(IdentityLabels.ForPod("default", new Dictionary<string, string> { ["app"] = "a" }, cluster: "west"));
        Assert.Equal(131328u, id.Value);
        Assert.Equal(2, IdentityAllocator.ClusterIdOf(id));
        Assert.Equal(0, IdentityAllocator.ClusterIdOf(new IdentityAllocator().Acquire(IdentityLabels.ForPod("default", new Dictionary<string, string>()))));
        Assert.Throws<ArgumentOutOfRangeException>(() => new IdentityAllocator(clusterId: 256));
    }

    [Fact]
    public void A_remote_cluster_cannot_claim_local_or_reserved_identities()
    {
        var east = new IdentityAllocator(clusterId: 1);
        var labels = IdentityLabels.ForPod("default", new Dictionary<string, string>(), cluster: "west");
        Assert.Throws<ArgumentException>(() => east.SetRemote(new Dictionary<NumericIdentity, LabelSet> { [new(65792)] = labels }));
        Assert.Throws<ArgumentException>(() => east.SetRemote(new Dictionary<NumericIdentity, LabelSet> { [NumericIdentity.Host] = labels }));
        var (added, _) = east.SetRemote(new Dictionary<NumericIdentity, LabelSet> { [new(131328)] = labels });
        Assert.Single(added);
        Assert.Equal(labels, east.Lookup(new NumericIdentity(131328)));
        var (_, removed) = east.SetRemote(new Dictionary<NumericIdentity, LabelSet>());
        Assert.Equal([new NumericIdentity(131328)], removed);
        Assert.Null(east.Lookup(new NumericIdentity(131328)));
    }

    [Fact]
    public void Selectors_without_a_cluster_select_the_local_cluster_and_the_cluster_label_selects_a_remote_one()
    {
        var engine = new PolicyEngine(new IdentityAllocator(clusterId: 2), cluster: "west", defaultLocalCluster: true);
        engine.Upsert(Pod(1, "rebel-base", "west", ("app", "rebel-base")));
        engine.Upsert(Pod(2, "x-wing", "west", ("app", "x-wing")));
        var remoteXwing = new NumericIdentity(65792);
        engine.SetRemoteIdentities(new Dictionary<NumericIdentity, LabelSet> { [remoteXwing] = IdentityLabels.ForPod("default", new Dictionary<string, string> { ["app"] = "x-wing" }, cluster: "east") });
        var localXwing = engine.IdentityOf(new EndpointId(2))!.Value;

        engine.Upsert(PolicyParser.Parse(YamlObjects.One("""
            kind: CiliumNetworkPolicy
            metadata: {name: p, namespace: default}
            spec:
              endpointSelector: {matchLabels: {app: rebel-base}}
              ingress: [{fromEndpoints: [{matchLabels: {app: x-wing}}]}]
            """)));
        var peers = Peers(engine);
        Assert.Contains(localXwing, peers);
        Assert.DoesNotContain(remoteXwing, peers);

        engine.Upsert(PolicyParser.Parse(YamlObjects.One("""
            kind: CiliumNetworkPolicy
            metadata: {name: p, namespace: default}
            spec:
              endpointSelector: {matchLabels: {app: rebel-base}}
              ingress: [{fromEndpoints: [{matchLabels: {app: x-wing, io.cilium.k8s.policy.cluster: east}}]}]
            """)));
        peers = Peers(engine);
        Assert.Equal([remoteXwing], peers);

        // The remote identity leaves the mesh: the policy map forgets it.
        engine.SetRemoteIdentities(new Dictionary<NumericIdentity, LabelSet>());
        Assert.Empty(Peers(engine));
    }

    private static List<NumericIdentity> Peers(PolicyEngine engine) =>
        engine.PolicyOf(new EndpointId(1))!.Entries
            .Where(e => !e.Verdict.Deny && e.Key.Direction == TrafficDirection.Ingress && e.Key.Identity != NumericIdentity.Host && e.Key.Identity != NumericIdentity.Unknown)
            .Select(e => e.Key.Identity).Distinct().ToList();
}
