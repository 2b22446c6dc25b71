using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.LearnerBpf;
using LabSite.Clusters.Netns.Bpf;
using LabSite.Clusters.Netns.LearnerBpf;
using LabSite.Clusters.Netns.Pods;

namespace LabSite.Clusters.Netns;

/// <summary>The <see cref="ILearnerBpf"/> face of a netns lab: the learner's own programs (<c>LearnerBpf/</c>), removed with the lab.</summary>
public sealed partial class NetnsCluster : ILearnerBpf
{
    private LearnerBpfSet? _learnerBpf;

    public async Task<BpfCompileResult> CompileBpfAsync(BpfCompileRequest request, CancellationToken ct)
    {
        ThrowIfDestroyed();
        if (!OperatingSystem.IsLinux())
        {
            throw new ClusterException("clang: learner programs are compiled on Linux only");
        }
        try
        {
            return await LearnerClang.CompileAsync(this, request, ct);
        }
        catch (ArgumentException e)
        {
            throw new ClusterException(e.Message, e);
        }
    }

    public Task<LearnerBpfProgram> LoadBpfAsync(LearnerBpfLoadRequest request, CancellationToken ct) => UnderGateAsync(set =>
    {
        var pod = FindPod(request.Namespace, request.Pod)
            ?? throw new ClusterException($"bpf load: no pod \"{request.Pod}\" in namespace \"{request.Namespace}\" of this lab (programs attach to your lab's pods only; see kubectl get pods -A)");
        return set.Load(request, LabNames.NetnsPath(pod.Netns));
    }, ct);

    public Task<IReadOnlyList<LearnerBpfProgram>> ListBpfAsync(CancellationToken ct) => UnderGateAsync(set => set.List(), ct);

    public Task<bool> UnloadBpfAsync(string name, CancellationToken ct) => UnderGateAsync(set => set.Unload(name), ct);

    private async Task<T> UnderGateAsync<T>(Func<LearnerBpfSet, T> work, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            ThrowIfDestroyed();
            _learnerBpf ??= new LearnerBpfSet(Path.Combine(Names.BpffsDirectory, "learner"), Path.Combine(Names.RunDirectory, "learner"));
            return work(_learnerBpf);
        }
        catch (BpfException e)
        {
            throw new ClusterException($"bpf: {e.Message}", e);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Under the lab lock, as the lab or a pod goes: the learner's programs on them go too.</summary>
    private void ReleaseLearnerBpf(PodRuntime? pod = null)
    {
        if (pod is not null)
        {
            _learnerBpf?.ForgetPod(pod.Spec.Namespace, pod.Spec.Name);
            return;
        }
        _learnerBpf?.Dispose();
        _learnerBpf = null;
    }
}
