using System.Text.Json.Nodes;
using k8s;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Kind.Tools;

namespace LabSite.Clusters.Kind;

/// <summary>
/// A live kind cluster: reads, exec and logs through KubernetesClient against kube-apiserver; manifests through
/// the real kubectl (server-side validation and kubectl's own result lines); inspection in KindCluster.Inspector.cs.
/// </summary>
public sealed partial class KindCluster(KindState.Record record, string kubeconfig, KindOptions options, ToolRunner runner) : ILabCluster
{
    public string Name => record.Name;

    public string Backend => "kind";

    public string Kubeconfig => kubeconfig;

    public async Task<ApplyResult> ApplyAsync(ManifestText manifests, ApplyMode mode, CancellationToken ct)
    {
        var verb = mode switch { ApplyMode.Apply => "apply", ApplyMode.Create => "create", ApplyMode.Delete => "delete", _ => "replace" };
        var lines = new List<string>();
        var result = await runner.RunAsync(options.Kubectl, ["--kubeconfig", kubeconfig, verb, "-f", "-"], KindBackend.KubectlInstall,
            l => { lock (lines) { lines.Add(l); } }, ct, stdin: manifests.Text);
        var warnings = lines.Where(l => l.StartsWith(ApplyResult.WarningPrefix, StringComparison.Ordinal)).Select(l => l[ApplyResult.WarningPrefix.Length..]).ToList();
        var rest = lines.Where(l => !l.StartsWith(ApplyResult.WarningPrefix, StringComparison.Ordinal)).ToList();
        return result.Succeeded
            ? new ApplyResult(rest, []) { Warnings = warnings }
            : new ApplyResult([], rest.Count > 0 ? [.. rest.Select(l => $"{manifests.Source}: {l}")] : [$"{manifests.Source}: kubectl {verb} exited {result.ExitCode}"]) { Warnings = warnings };
    }

    public async Task<IReadOnlyList<KubeObject>> GetAsync(ObjectQuery query, CancellationToken ct)
    {
        var kind = ResourceKinds.All.FirstOrDefault(k => Matches(k, query.Kind))
            ?? throw new ClusterException($"error: the server doesn't have a resource type \"{query.Kind}\"");
        var ns = query.Namespace ?? "default";
        var path = (kind.Group.Length == 0 ? "api/v1" : $"apis/{kind.Group}/{kind.Version}")
            + (kind.Namespaced && ns != "*" ? $"/namespaces/{Uri.EscapeDataString(ns)}" : "")
            + $"/{kind.Plural}" + (query.Name is null ? "" : $"/{Uri.EscapeDataString(query.Name)}")
            + (query.LabelSelector is null ? "" : $"?labelSelector={Uri.EscapeDataString(query.LabelSelector)}");
        using var kube = KindBackend.Client(kubeconfig);
        using var response = await kube.HttpClient.GetAsync(new Uri(kube.BaseUri, path), ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound && query.Name is not null)
        {
            return [];
        }
        if (!response.IsSuccessStatusCode)
        {
            var message = (string?)(JsonNode.Parse(body) as JsonObject)?["message"] ?? body;
            throw new ClusterException($"get {kind.QualifiedPlural}: {message}");
        }
        var json = JsonNode.Parse(body)!.AsObject();
        if (query.Name is not null)
        {
            return [new KubeObject(json)];
        }
        var items = json["items"]?.AsArray() ?? [];
        return [.. items.OfType<JsonObject>().Select(i =>
        {
            // list items carry no kind/apiVersion; kubectl get -o json fills them in
            var o = (JsonObject)i.DeepClone();
            o["apiVersion"] ??= kind.ApiVersion;
            o["kind"] ??= kind.Kind;
            return new KubeObject(o);
        })];
    }

    public async Task<int> ExecAsync(ExecRequest request, ExecStreams streams, CancellationToken ct)
    {
        using var kube = KindBackend.Client(kubeconfig);
        var container = request.Container
            ?? (await kube.CoreV1.ReadNamespacedPodAsync(request.Pod, request.Namespace, cancellationToken: ct)).Spec.Containers[0].Name;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (request.Timeout is { } timeout)
        {
            cts.CancelAfter(timeout);
        }
        return await kube.NamespacedPodExecAsync(request.Pod, request.Namespace, container, request.Command, request.Tty, async (stdin, stdout, stderr) =>
        {
            var input = streams.StandardInput is null ? Task.CompletedTask : CopyAndClose(streams.StandardInput, stdin, cts.Token);
            await Task.WhenAll(input, stdout.CopyToAsync(streams.StandardOutput, cts.Token), stderr.CopyToAsync(streams.StandardError, cts.Token));
        }, cts.Token);

        static async Task CopyAndClose(Stream from, Stream to, CancellationToken ct)
        {
            await from.CopyToAsync(to, ct);
            await to.FlushAsync(ct);
        }
    }

    public async Task<string> LogsAsync(string @namespace, string pod, int? tailLines, CancellationToken ct)
    {
        using var kube = KindBackend.Client(kubeconfig);
        await using var stream = await kube.CoreV1.ReadNamespacedPodLogAsync(pod, @namespace, tailLines: tailLines, cancellationToken: ct);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(ct);
    }

    private static bool Matches(ResourceKind k, string name)
    {
        var n = name.ToLowerInvariant();
        return n == k.Plural || n == k.Singular || n == k.Kind.ToLowerInvariant() || k.ShortNames.Contains(n)
            || n == k.QualifiedPlural || n == k.QualifiedSingular;
    }
}
