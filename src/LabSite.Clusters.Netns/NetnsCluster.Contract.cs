using LabSite.Clusters.Contract;

namespace LabSite.Clusters.Netns;

/// <summary>
/// The <see cref="ILabCluster"/> face of a netns lab: manifests go into the lab's object store, whose
/// changes the runtime (RuntimeReconciler) makes real; reads come from the store.
/// </summary>
public sealed partial class NetnsCluster : ILabCluster
{
    /// <summary>Commits the manifests and returns kubectl's lines at once, as kubectl does; pods start right after.</summary>
    public Task<ApplyResult> ApplyAsync(ManifestText manifests, ApplyMode mode, CancellationToken ct)
    {
        ThrowIfDestroyed();
        return Task.FromResult(Store.Apply(manifests, mode));
    }

    /// <summary>Completes when every committed change (pods, services) is live in the kernel, with statuses reported.</summary>
    public Task WaitUntilSettledAsync(CancellationToken ct) => _reconciler?.WhenIdleAsync(ct) ?? Task.CompletedTask;

    /// <summary>The last error the runtime hit applying a stored change, if any (the agent shows it).</summary>
    public Exception? LastRuntimeError => _reconciler?.LastError;

    public Task<IReadOnlyList<KubeObject>> GetAsync(ObjectQuery query, CancellationToken ct)
    {
        try
        {
            return Task.FromResult(Store.Get(query));
        }
        catch (ArgumentException e)
        {
            throw new ClusterException(e.Message, e);
        }
    }

    Task<string> ILabCluster.LogsAsync(string @namespace, string pod, int? tailLines, CancellationToken ct) =>
        LogsAsync(@namespace, pod, tailLines);

    /// <summary>Applies every *.yaml / *.yml of a folder in name order (a lab's starting manifests).</summary>
    private async Task ApplyDirectoryAsync(string directory, CancellationToken ct)
    {
        foreach (var file in Directory.GetFiles(directory).Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var result = Store.Apply(new ManifestText(await File.ReadAllTextAsync(file, ct), file), ApplyMode.Apply);
            if (!result.Succeeded)
            {
                throw new ClusterException($"apply {file}: {string.Join("; ", result.Errors)}");
            }
        }

        await WaitUntilSettledAsync(ct);
    }
}
