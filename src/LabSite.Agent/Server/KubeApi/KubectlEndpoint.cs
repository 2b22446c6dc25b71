using LabSite.Agent.Client;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Clusters.Contract.Kubernetes;
using Microsoft.AspNetCore.Mvc;

namespace LabSite.Agent.Server.KubeApi;

/// <summary>
/// Runs the real kubectl for the lab shell, inside the lab's network (<see cref="IInClusterNetwork.RunClientAsync"/>):
/// its kubeconfig names only that lab's in-cluster API (the <c>kubernetes</c> Service address, the lab's token, the
/// agent's authority), its working folder holds only the learner's files sent with the run (read-only), and the lab's
/// network has no route to the host, the site or another lab, whatever server, proxy or kubeconfig kubectl is told to use.
/// A cluster of a Cluster Mesh gets one context per cluster of its mesh, named by the cluster name (its own is current):
/// the mesh routes the other clusters' API addresses through its tunnel, and each context carries that cluster's token.
/// </summary>
internal static class KubectlEndpoint
{
    /// <summary>Longest one kubectl run may take (a <c>get -w</c> or <c>logs -f</c> ends here, or at Ctrl-C).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    /// <summary>RLIMIT_AS of kubectl: a Go program reserves address space well beyond what it uses.</summary>
    public const long MemoryBytes = 4L * 1024 * 1024 * 1024;

    public const string SandboxProgram = "/usr/local/bin/kubectl";
    private const string SandboxKubeconfig = "/etc/kubernetes/kubeconfig";
    private const string SandboxWork = "/work";

    public static async Task RunAsync([FromRoute(Name = "cluster")] string name, KubectlBody body, BackendRouter agent, KubeApiTokens tokens, HttpContext http, CancellationToken ct)
    {
        var services = http.RequestServices;
        if (!OperatingSystem.IsLinux())
        {
            await AgentApi.Error(501, "kubectl runs in a lab's network on Linux only").ExecuteAsync(http);
            return;
        }
        if (body.Args is null || body.Args.Any(a => a is null || a.Contains('\0')))
        {
            await AgentApi.Error(400, "kubectl: args must be a list of strings without NUL characters").ExecuteAsync(http);
            return;
        }
        if (!AgentApi.TryDecodeStdin(body.Stdin, "kubectl", out var stdin, out var stdinError))
        {
            await stdinError.ExecuteAsync(http);
            return;
        }
        if (DecodeFiles(body.Files) is not { } files)
        {
            await AgentApi.Error(400, $"kubectl: files must be at most {KubectlInvocation.MaxFiles} relative paths with base64 contents, {KubectlInvocation.MaxFileBytes / (1024 * 1024)} MiB in all").ExecuteAsync(http);
            return;
        }
        if (await agent.SummaryAsync(name, ct) is not { } lab || await agent.FindAsync(name, ct) is not { } cluster)
        {
            await AgentApi.NoSuchCluster(name).ExecuteAsync(http);
            return;
        }
        if (cluster is not IInClusterNetwork && cluster is IKubectlRunner own)
        {
            // a backend that runs kubectl itself (kind: the real kubectl against its own kube-apiserver)
            http.Response.ContentType = AgentProtocol.NdjsonContentType;
            await http.Response.StartAsync(ct);
            var ownWriter = new NdjsonWriter(http.Response.Body);
            var ownStreams = new ExecStreams(new ExecFrameStream(ownWriter.WriteAsync, "stdout", ct), new ExecFrameStream(ownWriter.WriteAsync, "stderr", ct), stdin);
            ExecFrame end;
            try
            {
                end = new ExecFrame(Exit: await own.RunKubectlAsync(new KubectlInvocation(body.Args, files), ownStreams, ct));
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                end = new ExecFrame(Error: e.Message);
            }
            await ownWriter.WriteAsync(end, ct);
            return;
        }
        if (cluster is not IInClusterNetwork network || services.GetService<InClusterKubeApi>() is not { } inCluster || services.GetService<KubeApiCertificate>() is not { } authority)
        {
            await AgentApi.Error(501, $"cluster \"{name}\" ({cluster.Backend}) has no in-cluster Kubernetes API served by this agent to run kubectl against").ExecuteAsync(http);
            return;
        }
        if (FindKubectl(services.Agent().KubectlPath) is not { } kubectl)
        {
            await AgentApi.Error(503, "this agent has no kubectl: set AgentOptions:KubectlPath or run scripts/setup.sh").ExecuteAsync(http);
            return;
        }
        await inCluster.OpenAsync(name, ct);
        var server = inCluster.ServerUrl(name) ?? $"https://{network.KubernetesServiceIp}";

        var folder = Directory.CreateTempSubdirectory("labsite-kubectl-");
        try
        {
            // Root's temp folder is 0700; the sandbox's unprivileged user must reach in (not list: the name is random).
            File.SetUnixFileMode(folder.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            var kubeconfig = Path.Combine(folder.FullName, "kubeconfig");
            var access = new KubernetesAccess(server, tokens.TokenFor(lab), authority.AuthorityData);
            var mesh = cluster is IClusterInspector inspector ? (await inspector.GetStatusAsync(ct))?.ClusterMesh : null;
            var text = mesh is not null
                ? Kubeconfig.ForMesh(mesh.ClusterName, [(mesh.ClusterName, access), .. await MeshContextsAsync(mesh, agent, tokens, inCluster, authority, ct)])
                : Kubeconfig.For(name, access);
            await File.WriteAllTextAsync(kubeconfig, text, ct);
            var work = Directory.CreateDirectory(Path.Combine(folder.FullName, "work")).FullName;
            foreach (var (path, bytes) in files)
            {
                var full = Path.Combine(work, path);
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                await File.WriteAllBytesAsync(full, bytes, ct);
            }
            OpenToAll(folder.FullName);

            var run = new ClientRun(
                kubectl, SandboxProgram, body.Args,
                [(kubeconfig, SandboxKubeconfig), (work, SandboxWork)],
                new Dictionary<string, string>
                {
                    ["KUBECONFIG"] = SandboxKubeconfig,
                    ["KUBECACHEDIR"] = "/tmp/.kube/cache",
                },
                SandboxWork, Timeout, MemoryBytes);

            http.Response.ContentType = AgentProtocol.NdjsonContentType;
            await http.Response.StartAsync(ct);
            var writer = new NdjsonWriter(http.Response.Body);
            var streams = new ExecStreams(new ExecFrameStream(writer.WriteAsync, "stdout", ct), new ExecFrameStream(writer.WriteAsync, "stderr", ct), stdin);
            ExecFrame last;
            try
            {
                last = new ExecFrame(Exit: await network.RunClientAsync(run, streams, ct));
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                last = new ExecFrame(Error: e.Message);
            }
            await writer.WriteAsync(last, ct);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The files of the run, checked (relative, bounded); null when any is not acceptable.</summary>
    private static Dictionary<string, byte[]>? DecodeFiles(IReadOnlyDictionary<string, string>? encoded)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (encoded is null)
        {
            return files;
        }
        if (encoded.Count > KubectlInvocation.MaxFiles)
        {
            return null;
        }
        long total = 0;
        foreach (var (path, text) in encoded)
        {
            if (KubectlInvocation.CheckPath(path) is not null || text is null || text.Length / 4 * 3 > KubectlInvocation.MaxFileBytes + 3)
            {
                return null;
            }
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(text);
            }
            catch (FormatException)
            {
                return null;
            }
            total += bytes.Length;
            if (total > KubectlInvocation.MaxFileBytes)
            {
                return null;
            }
            files[path] = bytes;
        }
        // A path may not be both a file and a folder (a and a/b).
        return files.Keys.Any(p => files.Keys.Any(q => q.StartsWith(p + "/", StringComparison.Ordinal))) ? null : files;
    }

    /// <summary>Folders traversable and files readable by the sandbox's user; nothing writable.</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static void OpenToAll(string root)
    {
        foreach (var dir in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
    }

    /// <summary>The configured kubectl, else .tools/kubectl above the agent's folder, else one on the usual paths.</summary>
    internal static string? FindKubectl(string configured)
    {
        if (configured.Length > 0)
        {
            return File.Exists(configured) ? configured : null;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var tools = Path.Combine(dir.FullName, ".tools", "kubectl");
            if (File.Exists(tools))
            {
                return tools;
            }
        }
        return new[] { "/usr/local/bin/kubectl", "/usr/bin/kubectl" }.FirstOrDefault(File.Exists);
    }

    /// <summary>One context per remote cluster of the mesh: its in-cluster API address and its own token.</summary>
    private static async Task<IReadOnlyList<(string Context, KubernetesAccess Access)>> MeshContextsAsync(
        ClusterMeshModel mesh, BackendRouter agent, KubeApiTokens tokens, InClusterKubeApi inCluster, KubeApiCertificate authority, CancellationToken ct)
    {
        var contexts = new List<(string, KubernetesAccess)>();
        foreach (var peer in mesh.Remotes.Select(r => (ClusterName: r.Name, r.LabCluster)))
        {
            if (await agent.SummaryAsync(peer.LabCluster, ct) is not { } summary || await agent.FindAsync(peer.LabCluster, ct) is not IInClusterNetwork network)
            {
                continue; // being destroyed with its mesh
            }
            await inCluster.OpenAsync(peer.LabCluster, ct);
            var server = inCluster.ServerUrl(peer.LabCluster) ?? $"https://{network.KubernetesServiceIp}";
            contexts.Add((peer.ClusterName, new KubernetesAccess(server, tokens.TokenFor(summary), authority.AuthorityData)));
        }
        return contexts;
    }
}
