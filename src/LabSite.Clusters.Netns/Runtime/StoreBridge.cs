namespace LabSite.Clusters.Netns.Runtime;

using LabSite.Clusters.Contract;
using System.Threading.Channels;
using LabSite.Clusters.Netns.Pods;
using LabSite.Clusters.Netns.Store;
using LabSite.Clusters.Netns.Store.Kinds;

/// <summary>
/// Makes the object store real, as a kubelet plus kube-proxy would: pods and services that change in the
/// store are queued (store handlers must not block) and applied by one loop per lab — consecutive new
/// pods in one batch, so a whole manifest's pods are wired with a handful of <c>ip -batch</c> runs — and
/// each pod's status goes back into the store (Running, or Pending with ErrImagePull).
/// </summary>
internal sealed class StoreBridge : IAsyncDisposable
{
    private readonly NetnsCluster cluster;
    private readonly ObjectStore store;
    private readonly Channel<ObjectChange> queue = Channel.CreateUnbounded<ObjectChange>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource stopping = new();
    private readonly IDisposable subscription;
    private readonly Task loop;
    private long queued;
    private long done;
    private TaskCompletionSource idle = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StoreBridge(NetnsCluster cluster, ObjectStore store)
    {
        this.cluster = cluster;
        this.store = store;
        idle.SetResult();
        subscription = store.Subscribe(OnChange);
        loop = Task.Run(RunAsync);
    }

    /// <summary>The last failure applying a change (shown by the agent; the loop goes on).</summary>
    public Exception? LastError { get; private set; }

    /// <summary>Completes when every change committed so far has been applied to the kernel.</summary>
    public Task WhenIdleAsync(CancellationToken ct)
    {
        lock (queue)
        {
            return Interlocked.Read(ref queued) == Interlocked.Read(ref done) ? Task.CompletedTask : idle.Task.WaitAsync(ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        subscription.Dispose();
        queue.Writer.TryComplete();
        await stopping.CancelAsync();
        await loop.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private void OnChange(ObjectChange change)
    {
        if (change.Kind != KindRegistry.Pod && change.Kind != KindRegistry.Service)
        {
            return;
        }

        // Our own status updates come back as pod modifications; only label changes matter to us.
        if (change.Kind == KindRegistry.Pod && change.Type == ChangeType.Modified && LabelsEqual(change))
        {
            return;
        }

        lock (queue)
        {
            if (Interlocked.Increment(ref queued) - Interlocked.Read(ref done) == 1)
            {
                idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            queue.Writer.TryWrite(change);
        }
    }

    private async Task RunAsync()
    {
        var reader = queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stopping.Token))
            {
                var batch = new List<ObjectChange>();
                while (reader.TryRead(out var c))
                {
                    batch.Add(c);
                }

                for (var i = 0; i < batch.Count;)
                {
                    // Consecutive new pods go in one batch.
                    var pods = batch.Skip(i).TakeWhile(c => c.Kind == KindRegistry.Pod && c.Type == ChangeType.Added).ToList();
                    if (pods.Count > 0)
                    {
                        await ApplySafelyAsync(() => StartPodsAsync(pods));
                        i += pods.Count;
                        continue;
                    }

                    var change = batch[i++];
                    await ApplySafelyAsync(() => ApplyAsync(change));
                }

                lock (queue)
                {
                    if (Interlocked.Add(ref done, batch.Count) == Interlocked.Read(ref queued))
                    {
                        idle.TrySetResult();
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ApplySafelyAsync(Func<Task> work)
    {
        try
        {
            await work();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LastError = e;
        }
    }

    private async Task StartPodsAsync(IReadOnlyList<ObjectChange> changes)
    {
        var specs = changes.Select(c => StoreObjects.Pod(c.Object)).Where(s => cluster.FindPod(s.Namespace, s.Name) is null).ToList();
        await cluster.RunPodsAsync(specs, stopping.Token);
        foreach (var c in changes)
        {
            ReportStatus(c.Object);
        }
    }

    private async Task ApplyAsync(ObjectChange change)
    {
        var ns = change.Object.Namespace ?? "default";
        if (change.Kind == KindRegistry.Pod)
        {
            switch (change.Type)
            {
                case ChangeType.Deleted:
                    await cluster.DeletePodAsync(ns, change.Object.Name, stopping.Token);
                    break;
                case ChangeType.Modified:
                    await cluster.UpdatePodLabelsAsync(ns, change.Object.Name, change.Object.Labels, stopping.Token);
                    break;
                default:
                    await StartPodsAsync([change]);
                    break;
            }

            return;
        }

        if (change.Type == ChangeType.Deleted || StoreObjects.Service(change.Object) is not { } service)
        {
            await cluster.DeleteServiceAsync(ns, change.Object.Name, stopping.Token);
        }
        else
        {
            await cluster.ApplyServiceAsync(service, stopping.Token);
        }
    }

    private void ReportStatus(KubeObject pod)
    {
        if (cluster.FindPod(pod.Namespace ?? "default", pod.Name) is not { } runtime)
        {
            return;
        }

        var s = runtime.Status;
        var host = s.HostIp.ToString();
        var json = s.Containers.FirstOrDefault(c => c.WaitingReason is not null) is { } waiting
            ? Store.PodStatus.Waiting(pod, s.PodIp?.ToString(), host, runtime.CreatedAt, waiting.WaitingReason!, waiting.WaitingMessage ?? "")
            : Store.PodStatus.Running(pod, runtime.Ip.ToString(), host, runtime.StartedAt ?? runtime.CreatedAt);
        store.UpdatePodStatus(pod.Namespace ?? "default", pod.Name, json);
    }

    private static bool LabelsEqual(ObjectChange c)
    {
        var now = c.Object.Labels;
        var before = c.Previous?.Labels ?? new Dictionary<string, string>();
        return now.Count == before.Count && now.All(kv => before.TryGetValue(kv.Key, out var v) && v == kv.Value);
    }
}
