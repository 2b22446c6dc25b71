using System.Text;
using k8s;
using k8s.Models;

namespace LabSite.Agent.Tests;

/// <summary>
/// The C# KubernetesClient (what LabHost, the grader and the kind backend use) against a netns lab's Kubernetes API,
/// from the lab's kubeconfig: list, a watch that sees a create, and exec over <c>v4.channel.k8s.io</c> with its exit code.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class KubeClientPrivilegedTests(KubeApiNetnsLab lab) : IClassFixture<KubeApiNetnsLab>
{
    private Kubernetes Client() => new(KubernetesClientConfiguration.BuildConfigFromConfigFile(lab.Kubeconfig));

    [Fact]
    public async Task Lists_pods_and_deployments()
    {
        using var client = Client();

        var pods = await client.CoreV1.ListNamespacedPodAsync("default");
        var deployments = await client.AppsV1.ListNamespacedDeploymentAsync("default", labelSelector: "app.kubernetes.io/name=deathstar");

        Assert.Contains(pods.Items, p => p.Metadata.Name == "tiefighter" && p.Status.Phase == "Running");
        Assert.Equal(["deathstar"], deployments.Items.Select(d => d.Metadata.Name));
        Assert.Equal(2, deployments.Items[0].Spec.Replicas);
    }

    [Fact]
    public async Task A_watch_sees_a_pod_created()
    {
        using var client = Client();
        var list = await client.CoreV1.ListNamespacedPodAsync("default");
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = new TaskCompletionSource<V1Pod>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = limit.Token.Register(() => seen.TrySetCanceled());
        var watching = Task.Run(async () =>
        {
            await foreach (var (type, pod) in client.CoreV1.WatchListNamespacedPodAsync("default", resourceVersion: list.Metadata.ResourceVersion, cancellationToken: limit.Token))
            {
                if (type == WatchEventType.Added && pod.Metadata.Name == "watched")
                {
                    seen.TrySetResult(pod);
                    return;
                }
            }
        });

        await client.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "watched", Labels = new Dictionary<string, string> { ["app"] = "watched" } },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = "quay.io/cilium/json-mock:v1.3.8" }] },
        }, "default");

        var pod = await seen.Task;
        await limit.CancelAsync();
        await watching.ContinueWith(_ => { }, TaskScheduler.Default);
        Assert.Equal("watched", pod.Metadata.Labels["app"]);
    }

    [Fact]
    public async Task Exec_passes_stdout_stderr_and_the_exit_code()
    {
        using var client = Client();
        var stdout = "";
        var stderr = "";

        var code = await client.NamespacedPodExecAsync("tiefighter", "default", "spaceship", ["sh", "-c", "echo hello; echo oops >&2; exit 4"], false,
            async (_, output, error) =>
            {
                var o = new StreamReader(output, Encoding.UTF8).ReadToEndAsync();
                var e = new StreamReader(error, Encoding.UTF8).ReadToEndAsync();
                (stdout, stderr) = (await o, await e);
            }, default);
        var fine = await client.NamespacedPodExecAsync("tiefighter", "default", "spaceship", ["true"], false, (_, _, _) => Task.CompletedTask, default);

        Assert.Equal(4, code);
        Assert.Equal("hello\n", stdout);
        Assert.Equal("oops\n", stderr);
        Assert.Equal(0, fine);
    }
}
