using CliWrap;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Clusters.Kind;

/// <summary>
/// The lab shell's real kubectl on kind: kubectl runs on the host with this cluster's own kubeconfig, in a fresh folder
/// holding only the learner's files. It is not sandboxed as on netns (kind is for trusted cohorts: its nodes are
/// privileged containers anyway), but what would point kubectl elsewhere is refused: connection flags, absolute or
/// <c>..</c> paths before <c>--</c>, and the verbs that touch the host (<c>cp</c>, <c>proxy</c>, <c>plugin</c>, <c>port-forward</c>).
/// </summary>
public sealed partial class KindCluster : IKubectlRunner
{
    private static readonly string[] s_refusedFlags =
    [
        "--kubeconfig", "--server", "-s", "--token", "--as", "--as-group", "--as-uid", "--context", "--cluster", "--user",
        "--certificate-authority", "--client-certificate", "--client-key", "--insecure-skip-tls-verify", "--tls-server-name",
        "--username", "--password", "--cache-dir", "--profile-output",
    ];

    private static readonly string[] s_refusedVerbs = ["cp", "proxy", "plugin", "port-forward", "attach", "config", "kustomize", "completion", "alpha"];

    private static readonly TimeSpan s_kubectlTimeout = TimeSpan.FromMinutes(2);

    public async Task<int> RunKubectlAsync(KubectlInvocation invocation, ExecStreams streams, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        ArgumentNullException.ThrowIfNull(streams);
        if (Refusal(invocation) is { } refusal)
        {
            await streams.StandardError.WriteAsync(System.Text.Encoding.UTF8.GetBytes($"error: {refusal}\n"), ct);
            return 1;
        }
        var kubectl = Tools.ToolRunner.Resolve(options.Kubectl) ?? throw new ClusterException(Tools.ToolRunner.Missing(options.Kubectl, KindBackend.KubectlInstall));
        var folder = Directory.CreateTempSubdirectory("labsite-kind-kubectl-");
        try
        {
            var work = folder.CreateSubdirectory("work").FullName;
            foreach (var (path, bytes) in invocation.Files)
            {
                var full = Path.Combine(work, path);
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                await File.WriteAllBytesAsync(full, bytes, ct);
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(s_kubectlTimeout);
            var command = CliWrap.Cli.Wrap(kubectl)
                .WithArguments(["--kubeconfig", kubeconfig, .. invocation.Args])
                .WithWorkingDirectory(work)
                // its cache and config live and die with this run, never in the host's ~/.kube
                .WithEnvironmentVariables(new Dictionary<string, string?> { ["HOME"] = folder.FullName, ["KUBECONFIG"] = null, ["KUBECACHEDIR"] = Path.Combine(folder.FullName, "cache") })
                .WithStandardOutputPipe(PipeTarget.ToStream(streams.StandardOutput))
                .WithStandardErrorPipe(PipeTarget.ToStream(streams.StandardError))
                .WithValidation(CommandResultValidation.None);
            if (streams.StandardInput is { } stdin)
            {
                command = command.WithStandardInputPipe(PipeSource.FromStream(stdin));
            }
            return (await command.ExecuteAsync(timeout.Token)).ExitCode;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Why this invocation may not run here; null when it may.</summary>
    public static string? Refusal(KubectlInvocation invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        foreach (var path in invocation.Files.Keys)
        {
            if (KubectlInvocation.CheckPath(path) is { } bad)
            {
                return bad;
            }
        }
        var verb = invocation.Args.FirstOrDefault(a => !a.StartsWith('-'));
        if (verb is not null && s_refusedVerbs.Contains(verb))
        {
            return $"kubectl {verb} is not available in the lab shell on kind";
        }
        // after "--" the words are the pod's program's (exec), not kubectl's
        foreach (var arg in invocation.Args.TakeWhile(a => a != "--"))
        {
            var flag = arg.Split('=', 2)[0];
            if (s_refusedFlags.Contains(flag))
            {
                return $"{flag} is not available in the lab shell: kubectl here talks to this lab's cluster only";
            }
            var value = arg.Contains('=', StringComparison.Ordinal) ? arg.Split('=', 2)[1] : arg;
            if (value.StartsWith('/') || value.StartsWith('~') || value.Split('/').Contains(".."))
            {
                return $"\"{arg}\": files are the lab's own, named relative to its folder";
            }
        }
        return null;
    }
}
