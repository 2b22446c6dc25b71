namespace LabSite.Clusters.Contract.Kubernetes;

/// <summary>
/// A cluster the real kubectl runs against, confined to it: kubectl runs where the cluster is (inside the lab's network,
/// with a kubeconfig for that lab only), so the lab shell's kubectl is the real one without reaching anything else.
/// </summary>
public interface IKubectlRunner
{
    /// <summary>
    /// Runs <c>kubectl</c> with <see cref="KubectlInvocation.Args"/>; <see cref="ExecStreams.StandardInput"/> is its stdin
    /// (bounded as an exec's); returns its exit code. The only files it sees are <see cref="KubectlInvocation.Files"/>.
    /// </summary>
    Task<int> RunKubectlAsync(KubectlInvocation invocation, ExecStreams streams, CancellationToken ct);
}

/// <summary>
/// kubectl's arguments and the learner's files it reads (<c>-f rule.yaml</c>): relative paths and their bytes, placed in
/// kubectl's read-only working folder.
/// </summary>
public sealed record KubectlInvocation(IReadOnlyList<string> Args, IReadOnlyDictionary<string, byte[]> Files)
{
    /// <summary>Most bytes of files one run carries (the lab folder's file limit).</summary>
    public const int MaxFileBytes = 4 * 1024 * 1024;

    /// <summary>Most files one run carries (a folder given to <c>-f</c>).</summary>
    public const int MaxFiles = 256;

    /// <summary>Why <paramref name="path"/> cannot name a file of a run (absolute, <c>..</c>, control characters); null when it can.</summary>
    public static string? CheckPath(string path)
    {
        if (path.Length is 0 or > 1024)
        {
            return "a file name must be 1 to 1024 characters";
        }
        if (path.StartsWith('/') || path.Any(char.IsControl))
        {
            return $"\"{path}\" is not a relative file name";
        }
        return path.Split('/').Any(s => s is "" or "." or "..") ? $"\"{path}\" has an empty, . or .. segment" : null;
    }
}
