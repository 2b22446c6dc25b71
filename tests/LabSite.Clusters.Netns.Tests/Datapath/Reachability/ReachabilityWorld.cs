using LabSite.Clusters.Contract;
using LabSite.Shell;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.Datapath.Reachability;

/// <summary>
/// One netns lab holding the spec's world (namespaces and agnhost pods), an outside network (world-a, world-b) and a
/// host listener, shared by every case of the spec. <see cref="ResetAsync"/> puts it back between cases: every
/// policy and every pod or namespace a case added deleted, the world's labels restored. That is safe because a case's
/// state lives only in those objects and the maps compiled from them: each probe opens a new socket (new source port,
/// or a new ICMP id), so no conntrack entry of an earlier case can pass it as a reply, and the datapath judges every
/// non-reply packet against the current maps.
/// </summary>
public sealed class ReachabilityWorld : IAsyncLifetime
{
    public static readonly string SpecPath = Path.Combine(AppContext.BaseDirectory, "Datapath", "Specs", "PolicyReachability.md");

    private static readonly string[] s_policyKinds = ["ciliumnetworkpolicies", "ciliumclusterwidenetworkpolicies", "networkpolicies"];

    private readonly string _folder = Directory.CreateTempSubdirectory("labsite-reach-").FullName;
    private IReadOnlyList<KubeObject> _worldObjects = [];
    private NetnsAgentLab _lab = null!;
    private ShellInterpreter _shell = null!;

    public ReachabilitySpec Spec { get; } = ReachabilitySpec.Load(SpecPath);

    public NetnsCluster Cluster { get; private set; } = null!;

    public OutsideNetwork Outside { get; private set; } = null!;

    public DropWatcher Drops { get; private set; } = null!;

    public ConnectionProber Prober { get; private set; } = null!;

    public string SpecFile => Path.GetFileName(SpecPath);

    public async Task InitializeAsync()
    {
        // Behind a real agent: the spec's shell lines run the real kubectl in the lab, as a learner's do.
        _lab = await NetnsAgentLab.StartAsync("reach");
        Cluster = _lab.Local;
        _worldObjects = YamlObjects.All(Spec.World);
        await ApplyWorldAsync();
        var notReady = Cluster.Pods.Where(p => !p.Ready).Select(p => p.Spec.Key).ToList();
        Assert.True(notReady.Count == 0 && Cluster.Pods.Count == _worldObjects.Count(o => o.Kind == "Pod"),
            $"{SpecFile}:{Spec.WorldLine}: world pods not all running: {string.Join(", ", notReady)}; {Cluster.LastRuntimeError?.Message}");
        Outside = await OutsideNetwork.CreateAsync(Cluster);
        Drops = new DropWatcher(Cluster.Policy!.Flows);
        Prober = new ConnectionProber(Drops);
        _shell = new ShellInterpreter(new ShellSession(new WorkingFolder(_folder), _lab.Cluster, new ProcessToolRunner()));
    }

    public async Task DisposeAsync()
    {
        await Drops.DisposeAsync();
        await Outside.DisposeAsync();
        await _lab.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>A matrix endpoint by its spec name: <c>namespace/pod</c>, <c>host</c>, <c>world-a</c> or <c>world-b</c>.</summary>
    public ProbeEndpoint Endpoint(string name)
    {
        switch (name)
        {
            case "host":
                return new ProbeEndpoint(name, LabNames.NetnsPath(Cluster.Names.NodeNetns), Outside.NodeIp);
            case "world-a":
                return new ProbeEndpoint(name, LabNames.NetnsPath(Outside.Netns), OutsideNetwork.WorldA);
            case "world-b":
                return new ProbeEndpoint(name, LabNames.NetnsPath(Outside.Netns), OutsideNetwork.WorldB);
        }
        var slash = name.IndexOf('/');
        var pod = Cluster.FindPod(name[..slash], name[(slash + 1)..])
            ?? throw new InvalidOperationException($"no pod {name} in the world; pods: {string.Join(", ", Cluster.Pods.Select(p => p.Spec.Key))}");
        return new ProbeEndpoint(name, LabNames.NetnsPath(pod.Netns), pod.Ip);
    }

    /// <summary>A manifest or shell line of the spec with its placeholders (<c>{{ip prod/api}}</c>, <c>{{pod-cidr}}</c>) filled in.</summary>
    public string Expand(string text, int line) =>
        ReachabilitySpec.Expand(text, name => Endpoint(name).Address, Cluster.Addressing.PodCidr, SpecFile, line);

    /// <summary>Runs one shell line (kubectl as a learner types it); returns its status and output.</summary>
    public async Task<(int Status, string Output)> RunAsync(string line)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var status = await _shell.RunAsync(line, stdout, stderr, CancellationToken.None);
        return (status, stdout.ToString() + stderr);
    }

    /// <summary>
    /// Deletes every policy and every pod or namespace a case added, and restores the world's labels; throws if the
    /// world is not back as written.
    /// </summary>
    public async Task ResetAsync()
    {
        foreach (var kind in s_policyKinds)
        {
            foreach (var policy in Cluster.Store.Get(new ObjectQuery(kind, Namespace: "*")))
            {
                Delete(kind, policy);
            }
        }
        var worldKeys = _worldObjects.Select(o => (o.Kind, o.Namespace, o.Name)).ToHashSet();
        // every pod the world did not make goes, but the lab's own Cilium agent pods (kube-system), which come with the lab
        foreach (var pod in Cluster.Store.Get(new ObjectQuery("pods", Namespace: "*"))
            .Where(p => !worldKeys.Contains(("Pod", p.Namespace, p.Name)) && !(p.Namespace == "kube-system" && p.Labels.GetValueOrDefault("k8s-app") == "cilium")))
        {
            Delete("pods", pod);
        }
        foreach (var ns in Cluster.Store.Get(new ObjectQuery("namespaces")).Where(n => !worldKeys.Contains(("Namespace", null, n.Name)) && !s_builtInNamespaces.Contains(n.Name)))
        {
            Delete("namespaces", ns);
        }
        await ApplyWorldAsync();
        foreach (var expected in _worldObjects)
        {
            var actual = Cluster.Store.Get(new ObjectQuery(expected.Kind, Namespace: expected.Namespace ?? "*", Name: expected.Name)).Single();
            var want = expected.Labels.Where(kv => kv.Key != "kubernetes.io/metadata.name").OrderBy(kv => kv.Key).ToList();
            var have = actual.Labels.Where(kv => kv.Key != "kubernetes.io/metadata.name").OrderBy(kv => kv.Key).ToList();
            Assert.True(want.SequenceEqual(have), $"reset: {expected.Kind} {expected.Name} has labels {string.Join(",", have)}, the world says {string.Join(",", want)}");
        }
    }

    private static readonly string[] s_builtInNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

    private void Delete(string kind, KubeObject obj)
    {
        var deleted = Cluster.Store.Delete(kind, obj.Namespace, obj.Name);
        Assert.True(deleted.Succeeded, $"reset: {string.Join("; ", deleted.Errors)}");
    }

    private async Task ApplyWorldAsync()
    {
        var applied = await Cluster.ApplyAsync(new ManifestText(Spec.World, $"{SpecFile}:{Spec.WorldLine}"), ApplyMode.Apply, CancellationToken.None);
        Assert.True(applied.Succeeded, string.Join("\n", applied.Errors));
        await Cluster.WaitUntilSettledAsync(CancellationToken.None);
    }
}
