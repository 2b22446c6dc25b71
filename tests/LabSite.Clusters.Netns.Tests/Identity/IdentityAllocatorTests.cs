using System.Net;
using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Netns.Identity;

namespace LabSite.Clusters.Netns.Tests.Identity;

public class IdentityAllocatorTests
{
    private static LabelSet Pod(params (string K, string V)[] labels) =>
        IdentityLabels.ForPod("default", labels.ToDictionary(l => l.K, l => l.V));

    [Fact]
    public void Same_labels_give_the_same_identity_from_256()
    {
        var alloc = new IdentityAllocator();
        var deathstar1 = alloc.Acquire(Pod(("org", "empire"), ("class", "deathstar")));
        var deathstar2 = alloc.Acquire(Pod(("class", "deathstar"), ("org", "empire")));
        var xwing = alloc.Acquire(Pod(("org", "alliance"), ("class", "xwing")));
        Assert.Equal(new NumericIdentity(256), deathstar1);
        Assert.Equal(deathstar1, deathstar2);
        Assert.Equal(new NumericIdentity(257), xwing);
    }

    [Fact]
    public void Relabel_gives_another_identity_and_release_frees_the_old_one()
    {
        var alloc = new IdentityAllocator();
        var before = alloc.Acquire(Pod(("app", "a")));
        var after = alloc.Acquire(Pod(("app", "b")));
        alloc.Release(before);
        Assert.NotEqual(before, after);
        Assert.Null(alloc.Lookup(before));
        Assert.NotNull(alloc.Lookup(after));
        // Numbers are not reused while the lab lives.
        Assert.Equal(new NumericIdentity(258), alloc.Acquire(Pod(("app", "a"))));
    }

    [Fact]
    public void An_identity_stays_while_any_reference_holds_it()
    {
        var alloc = new IdentityAllocator();
        var a = alloc.Acquire(Pod(("app", "a")));
        alloc.Acquire(Pod(("app", "a")));
        alloc.Release(a);
        Assert.NotNull(alloc.Lookup(a));
        alloc.Release(a);
        Assert.Null(alloc.Lookup(a));
    }

    [Fact]
    public void Cidr_identities_start_at_16777217_with_cidr_and_world_labels()
    {
        var alloc = new IdentityAllocator();
        var id = alloc.AcquireCidr(IPNetwork.Parse("10.0.0.0/8"));
        Assert.Equal(16777217u, id.Value);
        Assert.Equal("cidr:10.0.0.0/8,reserved:world", alloc.Lookup(id)!.ToString());
        Assert.Equal(id, alloc.AcquireCidr(IPNetwork.Parse("10.0.0.0/8")));
        Assert.Equal(16777218u, alloc.AcquireCidr(IPNetwork.Parse("192.168.0.0/16")).Value);
    }

    [Fact]
    public void Reserved_identities_are_listed_with_reserved_labels()
    {
        var snap = new IdentityAllocator().Snapshot();
        Assert.Equal((new NumericIdentity(1), "reserved:host"), (snap[0].Id, snap[0].Labels.ToString()));
        Assert.Equal(11, snap.Count);
    }

    [Fact]
    public void Pod_labels_carry_namespace_serviceaccount_cluster_and_namespace_labels()
    {
        var labels = IdentityLabels.ForPod(
            "default",
            new Dictionary<string, string> { ["org"] = "empire", ["app.kubernetes.io/name"] = "deathstar", ["pod-template-hash"] = "c74d84667" },
            namespaceLabels: new Dictionary<string, string> { ["team"] = "red" });
        Assert.Equal(
            [
                "k8s:app.kubernetes.io/name=deathstar",
                "k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=default",
                "k8s:io.cilium.k8s.namespace.labels.team=red",
                "k8s:io.cilium.k8s.policy.cluster=default",
                "k8s:io.cilium.k8s.policy.serviceaccount=default",
                "k8s:io.kubernetes.pod.namespace=default",
                "k8s:org=empire",
            ],
            labels.Labels.Select(l => l.ToString()));
    }
}
