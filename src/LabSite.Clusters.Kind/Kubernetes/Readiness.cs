using k8s;

namespace LabSite.Clusters.Kind.Kubernetes;

/// <summary>
/// Waits until what a lab needs answers: the cilium DaemonSet ready on every node, and the cilium-operator,
/// hubble-relay and CoreDNS deployments available. Reports each component as it becomes ready.
/// </summary>
public static class Readiness
{
    public static readonly IReadOnlyList<string> Deployments = ["cilium-operator", "hubble-relay", "coredns"];

    /// <summary>What is not ready yet ("daemonset/cilium 1/3", ...); empty when all is.</summary>
    public static async Task<IReadOnlyList<string>> PendingAsync(IKubernetes kube, CancellationToken ct)
    {
        var pending = new List<string>();
        try
        {
            var ds = await kube.AppsV1.ReadNamespacedDaemonSetAsync("cilium", "kube-system", cancellationToken: ct);
            var ready = ds.Status?.NumberReady ?? 0;
            var desired = ds.Status?.DesiredNumberScheduled ?? 0;
            if (desired == 0 || ready < desired)
            {
                pending.Add($"daemonset/cilium {ready}/{desired}");
            }
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            pending.Add("daemonset/cilium missing");
        }
        foreach (var name in Deployments)
        {
            try
            {
                var d = await kube.AppsV1.ReadNamespacedDeploymentAsync(name, "kube-system", cancellationToken: ct);
                var available = d.Status?.AvailableReplicas ?? 0;
                var want = d.Spec?.Replicas ?? 1;
                if (available < want)
                {
                    pending.Add($"deployment/{name} {available}/{want}");
                }
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                pending.Add($"deployment/{name} missing");
            }
        }
        return pending;
    }

    /// <summary>Polls until nothing is pending; throws <see cref="TimeoutException"/> naming what still is.</summary>
    public static async Task WaitAsync(IKubernetes kube, TimeSpan timeout, Action<string> report, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        IReadOnlyList<string> pending = ["nothing checked yet"];
        string? last = null;
        try
        {
            while (true)
            {
                pending = await PendingAsync(kube, cts.Token);
                if (pending.Count == 0)
                {
                    return;
                }
                var now = string.Join(", ", pending);
                if (now != last)
                {
                    report($"waiting for {now}");
                    last = now;
                }
                await Task.Delay(TimeSpan.FromSeconds(2), cts.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"not ready after {timeout.TotalSeconds:0}s: {string.Join(", ", pending)}");
        }
    }
}
