using System.Net;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Netns.Pods;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.Mesh;

/// <summary>
/// A Cluster Mesh of two netns lab clusters ("east" id 1, "west" id 2) against the real kernel, each running the Star
/// Wars app: pods reach the other cluster through the mesh tunnel, each ipcache holds the other's pods with identities
/// in the other's range and its tunnel endpoint, a global service balances over both clusters and fails over when one
/// side's backends go, and policy with <c>io.cilium.k8s.policy.cluster</c> decides real packets.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class ClusterMeshPrivilegedTests : IAsyncLifetime
{
    private static readonly IReadOnlyList<MeshCluster> s_mesh = [new("east", 1), new("west", 2)];
    private readonly NetnsBackend _backend = new(NetnsTestLabs.Options());
    private NetnsCluster _east = null!;
    private NetnsCluster _west = null!;

    public async Task InitializeAsync()
    {
        await _backend.StartAsync(CancellationToken.None);
        _east = await _backend.CreateAsync(new ClusterRequest("cm", Mesh: s_mesh), null, CancellationToken.None);
        _west = _backend.Find(MeshCluster.PeerClusterName("cm", "west"))!;
        foreach (var c in new[] { _east, _west })
        {
            Assert.True((await c.ApplyAsync(StoreFixture.Data("http-sw-app.yaml"), ApplyMode.Create, CancellationToken.None)).Succeeded);
            await c.WaitUntilSettledAsync(CancellationToken.None);
        }
    }

    public async Task DisposeAsync()
    {
        await _backend.DestroyAsync(_east.Name, CancellationToken.None);
        NetnsTestLabs.DeleteRoots(_backend.Options);
    }

    [Fact]
    public async Task Pods_reach_the_other_cluster_and_its_pods_are_in_the_ipcache_with_their_cluster_identity()
    {
        Assert.Equal(("east", 1, "west", 2), (_east.ClusterName, _east.ClusterId, _west.ClusterName, _west.ClusterId));
        var remote = DeathstarsOf(_west)[0];
        Assert.Equal("Ship landed\n", (await LandAsync(_east, "tiefighter", remote.Ip.ToString())).Stdout);

        var entry = await EventuallyAsync(async () => (await _east.GetIpcacheAsync(CancellationToken.None)).SingleOrDefault(e => e.Prefix == $"{remote.Ip}/32"));
        Assert.Equal(2u, entry.Identity >> 16);
        Assert.NotEqual("0.0.0.0", entry.TunnelEndpoint);
        var local = (await _east.GetIpcacheAsync(CancellationToken.None)).Single(e => e.Prefix == $"{DeathstarsOf(_east)[0].Ip}/32");
        Assert.Equal(1u, local.Identity >> 16);
        var identities = await _east.GetIdentitiesAsync(CancellationToken.None);
        Assert.Contains("k8s:io.cilium.k8s.policy.cluster=west", identities.Single(i => i.Id == entry.Identity).Labels);

        var status = (await _east.GetStatusAsync(CancellationToken.None))!;
        Assert.Equal("east", status.ClusterName);
        Assert.Equal((65792u, 131071u), (status.MinIdentity, status.MaxIdentity));
        var west = Assert.Single(status.ClusterMesh!.Remotes);
        Assert.Equal(("west", 2, true, 4), (west.Name, west.Id, west.Ready, west.Endpoints));

        // The flow seen in east names the remote pod and its cluster (Hubble's cluster_name).
        var flows = await EventuallyAsync(async () =>
        {
            var f = await _east.GetFlowsAsync(new FlowQuery(new FlowFilterBuilder().Add("from-pod", "tiefighter").Add("to-ip", remote.Ip.ToString()).Build(), All: true), CancellationToken.None);
            return f.Count > 0 ? f : null;
        });
        Assert.Equal(("west", remote.Spec.Name), (flows[0].Flow.Destination!.ClusterName, flows[0].Flow.Destination!.PodName));
        Assert.Equal("east", flows[0].Flow.Source!.ClusterName);
    }

    [Fact]
    public async Task A_global_service_balances_over_both_clusters_and_fails_over_when_one_side_scales_to_zero()
    {
        Assert.Equal(2, DeathstarFrontend(_east).Backends.Count);
        await ApplyAsync(_east, GlobalDeathstar(affinity: null));
        await ApplyAsync(_west, GlobalDeathstar(affinity: null));
        var both = DeathstarsOf(_east).Concat(DeathstarsOf(_west)).Select(p => p.Ip).Order(IpOrder.Instance).ToList();
        await EventuallyAsync(() => Task.FromResult(DeathstarFrontend(_east).Backends.Select(b => b.Ip).Order(IpOrder.Instance).SequenceEqual(both) ? "" : null), Describe);
        var list = await _east.GetServicesAsync(CancellationToken.None);
        Assert.Equal(4, list.Single(s => s.Frontend.StartsWith(DeathstarFrontend(_east).Frontend + ":", StringComparison.Ordinal)).Backends.Count);

        // Affinity local: only east's own backends while it has any.
        await ApplyAsync(_east, GlobalDeathstar(affinity: "local"));
        await EventuallyAsync(() => Task.FromResult(DeathstarFrontend(_east).Backends.All(b => !b.Pod.StartsWith("west/", StringComparison.Ordinal)) ? "" : null), Describe);

        // East's deathstars go away: the service now lands in west, through the tunnel.
        await ApplyAsync(_east, Scaled(0));
        await EventuallyAsync(() => Task.FromResult(DeathstarFrontend(_east).Backends.Count == 2 && DeathstarFrontend(_east).Backends.All(b => b.Pod.StartsWith("west/", StringComparison.Ordinal)) ? "" : null), Describe);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("Ship landed\n", (await LandAsync(_east, "tiefighter", "deathstar.default.svc.cluster.local")).Stdout);
        }

        // shared: "false" in west: east no longer gets west's backends, so east's service has none and refuses.
        await ApplyAsync(_west, GlobalDeathstar(affinity: null, shared: false));
        await EventuallyAsync(() => Task.FromResult(DeathstarFrontend(_east).Backends.Count == 0 ? "" : null), Describe);
        Assert.NotEqual(0, (await LandAsync(_east, "tiefighter", "deathstar.default.svc.cluster.local")).ExitCode);
    }

    [Fact]
    public async Task Policy_with_the_cluster_label_decides_who_may_cross()
    {
        var target = DeathstarsOf(_west)[0].Ip.ToString();
        // Only empire ships of cluster east may land on west's deathstars.
        await ApplyAsync(_west, """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: east-empire-only}
            spec:
              endpointSelector: {matchLabels: {org: empire, class: deathstar}}
              ingress:
              - fromEndpoints:
                - matchLabels: {org: empire, io.cilium.k8s.policy.cluster: east}
                toPorts: [{ports: [{port: "80", protocol: TCP}]}]
            """);
        Assert.Equal("Ship landed\n", (await LandAsync(_east, "tiefighter", target)).Stdout);
        Assert.Equal(28, (await LandAsync(_east, "xwing", target)).ExitCode);
        Assert.Equal(28, (await LandAsync(_west, "tiefighter", target)).ExitCode);
        var drops = await EventuallyAsync(async () =>
        {
            var f = await _west.GetFlowsAsync(new FlowQuery(new FlowFilterBuilder().Add("to-ip", target).Add("verdict", "DROPPED").Build(), All: true), CancellationToken.None);
            return f.Any(r => r.Flow.Source?.PodName == "xwing" && r.Flow.Source.ClusterName == "east") ? f : null;
        });
        Assert.Contains(drops, r => r.Flow.DropReasonDesc == DropReason.POLICY_DENIED);

        // Without the cluster label a selector means this cluster only (policy-default-local-cluster).
        await ApplyAsync(_west, """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: east-empire-only}
            spec:
              endpointSelector: {matchLabels: {org: empire, class: deathstar}}
              ingress:
              - fromEndpoints:
                - matchLabels: {org: empire}
            """);
        Assert.Equal("Ship landed\n", (await LandAsync(_west, "tiefighter", target)).Stdout);
        Assert.Equal(28, (await LandAsync(_east, "tiefighter", target)).ExitCode);
    }

    [Fact]
    public async Task A_mesh_never_joins_an_existing_cluster_and_bad_declarations_are_refused_with_their_field()
    {
        // A mesh creates its clusters: one whose peer name is another lab's cluster is refused and touches nothing.
        var squat = await Assert.ThrowsAsync<ClusterException>(() => _backend.CreateAsync(new ClusterRequest("cm", Mesh: s_mesh), null, CancellationToken.None));
        Assert.Contains("already exists", squat.Message, StringComparison.Ordinal);
        var taken = MeshCluster.PeerClusterName("cm2", "west");
        var other = await _backend.CreateAsync(new ClusterRequest(taken), null, CancellationToken.None);
        try
        {
            var steal = await Assert.ThrowsAsync<ClusterException>(() => _backend.CreateAsync(new ClusterRequest("cm2", Mesh: s_mesh), null, CancellationToken.None));
            Assert.Contains($"\"{taken}\" already exists", steal.Message, StringComparison.Ordinal);
            Assert.Null(_backend.Find("cm2"));
            Assert.Null(other.Mesh);
            Assert.Equal(0, other.ClusterId);
        }
        finally
        {
            await _backend.DestroyAsync(taken, CancellationToken.None);
        }

        var dup = await Assert.ThrowsAsync<ClusterException>(() => _backend.CreateAsync(new ClusterRequest("dup", Mesh: [new("a", 7), new("b", 7)]), null, CancellationToken.None));
        Assert.Contains("clusters[1].id: Duplicate value: 7", dup.Message, StringComparison.Ordinal);
        Assert.Null(_backend.Find("dup"));

        // Pods cannot send to the mesh's underlay (where they could forge tunnel packets).
        var bytes = IPNetwork.Parse(_east.Mesh!.UnderlayCidr).BaseAddress.GetAddressBytes();
        bytes[3] = 3; // west's node (cluster k at .k+2)
        var westNode = new IPAddress(bytes);
        var ping = await NetnsTestLabs.ExecAsync(_east, "tiefighter", "ping", "-c", "1", "-W", "1", westNode.ToString());
        Assert.NotEqual(0, ping.ExitCode);

        var bad = await _east.ApplyAsync(StoreFixture.Yaml(GlobalDeathstar(affinity: "nearest")), ApplyMode.Apply, CancellationToken.None);
        Assert.False(bad.Succeeded);
        Assert.Contains(bad.Errors, e => e.Contains("metadata.annotations[service.cilium.io/affinity]", StringComparison.Ordinal) && e.Contains("\"nearest\"", StringComparison.Ordinal));
    }

    private string Describe() =>
        $"east backends {string.Join(", ", DeathstarFrontend(_east).Backends)}; west exports {string.Join(", ", _west.GlobalServices.Select(kv => kv.Key + "=" + kv.Value.Count))}; "
        + $"east exports {string.Join(", ", _east.GlobalServices.Select(kv => kv.Key + "=" + kv.Value.Count))}; mesh error {_east.Mesh?.LastError}; syncs {_east.Mesh?.Syncs}; "
        + $"east svc annotations {_east.Store.Find(Contract.Kubernetes.ResourceKinds.Service, "default", "deathstar")?.Json["metadata"]?["annotations"]?.ToJsonString()}";

    private static List<PodRuntime> DeathstarsOf(NetnsCluster c) =>
        c.Pods.Where(p => p.Spec.Name.StartsWith("deathstar-", StringComparison.Ordinal)).OrderBy(p => p.Spec.Name, StringComparer.Ordinal).ToList();

    private static Services.ServiceEntry DeathstarFrontend(NetnsCluster c) => c.ServiceEntries.Single(e => e.Service == "default/deathstar");

    private static string GlobalDeathstar(string? affinity, bool shared = true) => $$"""
        apiVersion: v1
        kind: Service
        metadata:
          name: deathstar
          annotations:
            service.cilium.io/global: "true"
            service.cilium.io/shared: "{{(shared ? "true" : "false")}}"
        {{(affinity is null ? "" : $"    service.cilium.io/affinity: \"{affinity}\"")}}
        spec:
          selector: {org: empire, class: deathstar}
          ports: [{port: 80}]
        """;

    /// <summary>The app's deathstar Deployment alone (so the Service keeps its annotations) with <paramref name="replicas"/>.</summary>
    private static string Scaled(int replicas) => File.ReadAllText(RepositoryPaths.StarWarsManifest("http-sw-app.yaml"))
        .Split("\n---\n").Single(d => d.Contains("kind: Deployment", StringComparison.Ordinal))
        .Replace("replicas: 2", $"replicas: {replicas}", StringComparison.Ordinal);

    private static async Task ApplyAsync(NetnsCluster c, string yaml)
    {
        var applied = await c.ApplyAsync(StoreFixture.Yaml(yaml), ApplyMode.Apply, CancellationToken.None);
        Assert.True(applied.Succeeded, string.Join("; ", applied.Errors));
        await c.WaitUntilSettledAsync(CancellationToken.None);
    }

    private static Task<NetnsTestLabs.ExecOutput> LandAsync(NetnsCluster c, string ship, string deathstar) => NetnsTestLabs.ExecAsync(
        c, ship, "curl", "-s", "--connect-timeout", "2", "-XPOST", $"http://{deathstar}/v1/request-landing");

    /// <summary>The mesh syncs shortly after a change (as Cilium's kvstore does): wait for a value, bounded by attempts.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, Func<string>? describe = null)
        where T : class
    {
        for (var i = 0; i < 100; i++)
        {
            if (await probe() is { } value)
            {
                return value;
            }
            await Task.Delay(50);
        }
        Assert.Fail($"the mesh did not converge: {describe?.Invoke()}");
        return null!;
    }

    private sealed class IpOrder : IComparer<IPAddress>
    {
        public static readonly IpOrder Instance = new();

        public int Compare(IPAddress? x, IPAddress? y) => string.CompareOrdinal(x?.ToString(), y?.ToString());
    }
}
