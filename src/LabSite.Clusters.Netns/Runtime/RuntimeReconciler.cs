using System.Threading.Channels;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Netns.Store;
using LabSite.Clusters.Netns.Store.Events;

namespace LabSite.Clusters.Netns.Runtime;

/// <summary>
/// Makes the object store real, as a kubelet plus kube-proxy would: pods and services that change in the
/// store are queued (store handlers must not block) and applied by one loop per lab — consecutive new
/// pods in one batch, so a whole manifest's pods are wired with a handful of <c>ip -batch</c> runs — and
/// each pod's status goes back into the store (Running, or Pending with ErrImagePull), with the Events a scheduler
/// and kubelet would record (Scheduled, Pulled, Created, Started; Failed for an image that will not run; Killing).
/// </summary>
internal sealed class RuntimeReconciler : IAsyncDisposable
{
    private readonly NetnsCluster _cluster;
    private readonly ObjectStore _store;
    private readonly Channel<ObjectChange> _queue = Channel.CreateUnbounded<ObjectChange>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly IDisposable _subscription;
    private readonly Task _loop;
    private long _queued;
    private long _done;
    private TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RuntimeReconciler(NetnsCluster cluster, ObjectStore store)
    {
        this._cluster = cluster;
        this._store = store;
        _idle.SetResult();
        _subscription = store.Subscribe(OnChange);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>The last failure applying a change (shown by the agent; the loop goes on).</summary>
    public Exception? LastError { get; private set; }

    /// <summary>Completes when every change committed so far has been applied to the kernel.</summary>
    public Task WhenIdleAsync(CancellationToken ct)
    {
        lock (_queue)
        {
            return Interlocked.Read(ref _queued) == Interlocked.Read(ref _done) ? Task.CompletedTask : _idle.Task.WaitAsync(ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _subscription.Dispose();
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync();
        await _loop.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private void OnChange(ObjectChange change)
    {
        if (change.Kind != ResourceKinds.Pod && change.Kind != ResourceKinds.Service)
        {
            return;
        }

        // The Cilium agent pods stand for the lab's own agent process, which is already running.
        if (change.Kind == ResourceKinds.Pod && Store.Controllers.CiliumAgentPods.IsAgentPod(change.Object))
        {
            return;
        }

        // Our own status updates come back as pod modifications; only label changes matter to us.
        if (change.Kind == ResourceKinds.Pod && change.Type == ChangeType.Modified && LabelsEqual(change))
        {
            return;
        }

        lock (_queue)
        {
            if (Interlocked.Increment(ref _queued) - Interlocked.Read(ref _done) == 1)
            {
                _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            _queue.Writer.TryWrite(change);
        }
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token))
            {
                var batch = new List<ObjectChange>();
                while (reader.TryRead(out var c))
                {
                    batch.Add(c);
                }

                for (var i = 0; i < batch.Count;)
                {
                    // Consecutive new pods go in one batch.
                    var pods = batch.Skip(i).TakeWhile(c => c.Kind == ResourceKinds.Pod && c.Type == ChangeType.Added).ToList();
                    if (pods.Count > 0)
                    {
                        await ApplySafelyAsync(() => StartPodsAsync(pods));
                        i += pods.Count;
                        continue;
                    }

                    var change = batch[i++];
                    await ApplySafelyAsync(() => ApplyAsync(change));
                }

                lock (_queue)
                {
                    if (Interlocked.Add(ref _done, batch.Count) == Interlocked.Read(ref _queued))
                    {
                        _idle.TrySetResult();
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
        // A pod no node took (Unschedulable, or a nodeName that names no node) stays Pending, as without a kubelet.
        var specs = changes.Select(c => StoreObjects.Pod(c.Object))
            .Where(s => _cluster.FindPod(s.Namespace, s.Name) is null && s.NodeName is { } node && _cluster.FindNode(node) is not null)
            .ToList();
        await _cluster.RunPodsAsync(specs, _stopping.Token);
        foreach (var c in changes)
        {
            ReportStatus(c.Object);
            if (specs.Any(s => s.Namespace == (c.Object.Namespace ?? "default") && s.Name == c.Object.Name))
            {
                RecordStarted(c.Object);
            }
        }
    }

    private void RecordStarted(KubeObject pod)
    {
        var ns = pod.Namespace ?? "default";
        if (_cluster.FindPod(ns, pod.Name) is not { } runtime || _store.Find(ResourceKinds.Pod, ns, pod.Name) is not { } stored)
        {
            return;
        }
        var events = _store.Events;
        events.Record(stored, ResourceKinds.Pod, EventType.Normal, "Scheduled", $"Successfully assigned {ns}/{pod.Name} to {runtime.Node.Name}", "default-scheduler");
        foreach (var container in runtime.Status.Containers)
        {
            var field = $"spec.containers{{{container.Name}}}";
            if (container.WaitingReason is { } reason)
            {
                events.Record(stored, ResourceKinds.Pod, EventType.Warning, "Failed", container.WaitingMessage is { Length: > 0 } why ? why : reason, "kubelet", field);
                continue;
            }
            events.Record(stored, ResourceKinds.Pod, EventType.Normal, "Pulled", $"Container image \"{container.Image}\" already present on machine", "kubelet", field);
            events.Record(stored, ResourceKinds.Pod, EventType.Normal, "Created", $"Created container: {container.Name}", "kubelet", field);
            events.Record(stored, ResourceKinds.Pod, EventType.Normal, "Started", $"Started container {container.Name}", "kubelet", field);
        }
    }

    private void RecordKilling(KubeObject pod)
    {
        foreach (var container in StoreObjects.Pod(pod).Containers)
        {
            _store.Events.Record(pod, ResourceKinds.Pod, EventType.Normal, "Killing", $"Stopping container {container.Name}", "kubelet", $"spec.containers{{{container.Name}}}");
        }
    }

    private async Task ApplyAsync(ObjectChange change)
    {
        var ns = change.Object.Namespace ?? "default";
        if (change.Kind == ResourceKinds.Pod)
        {
            switch (change.Type)
            {
                case ChangeType.Deleted:
                    if (await _cluster.DeletePodAsync(ns, change.Object.Name, _stopping.Token))
                    {
                        RecordKilling(change.Object);
                    }
                    break;
                case ChangeType.Modified:
                    await _cluster.UpdatePodLabelsAsync(ns, change.Object.Name, change.Object.Labels, _stopping.Token);
                    break;
                default:
                    await StartPodsAsync([change]);
                    break;
            }

            return;
        }

        if (change.Type == ChangeType.Deleted || StoreObjects.Service(change.Object) is not { } service)
        {
            await _cluster.DeleteServiceAsync(ns, change.Object.Name, _stopping.Token);
        }
        else
        {
            await _cluster.ApplyServiceAsync(service, _stopping.Token);
        }
    }

    private void ReportStatus(KubeObject pod)
    {
        if (_cluster.FindPod(pod.Namespace ?? "default", pod.Name) is not { } runtime)
        {
            return;
        }

        var s = runtime.Status;
        var host = s.HostIp.ToString();
        var json = s.Containers.FirstOrDefault(c => c.WaitingReason is not null) is { } waiting
            ? Store.PodStatus.Waiting(pod, s.PodIp?.ToString(), host, runtime.CreatedAt, waiting.WaitingReason!, waiting.WaitingMessage ?? "")
            : Store.PodStatus.Running(pod, runtime.Ip.ToString(), host, runtime.StartedAt ?? runtime.CreatedAt);
        _store.UpdatePodStatus(pod.Namespace ?? "default", pod.Name, json);
    }

    private static bool LabelsEqual(ObjectChange c)
    {
        var now = c.Object.Labels;
        var before = c.Previous?.Labels ?? new Dictionary<string, string>();
        return now.Count == before.Count && now.All(kv => before.TryGetValue(kv.Key, out var v) && v == kv.Value);
    }
}
