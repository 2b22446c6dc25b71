using System.Threading.Channels;

namespace LabSite.Clusters.Contract;

/// <summary>
/// A live lab cluster: Kubernetes-shaped objects, exec, logs. Inspection of flows and eBPF maps
/// (Hubble's and cilium-dbg's shapes) is added by <c>IClusterInspector</c> in the policy part.
/// </summary>
public interface ILabCluster
{
    string Name { get; }

    string Backend { get; }

    /// <summary>
    /// Applies, creates or deletes the objects in one YAML text (multi-document). All or nothing:
    /// an invalid document leaves the cluster unchanged and comes back as an error naming its line.
    /// </summary>
    Task<ApplyResult> ApplyAsync(ManifestText manifests, ApplyMode mode, CancellationToken ct);

    /// <summary>
    /// Objects of a kind ("pods", "pod", "po", "cnp" ...), as <c>kubectl get -o json</c> items. A query the cluster
    /// refuses (an unknown kind, a bad selector) throws <see cref="ClusterException"/> with the reason.
    /// </summary>
    Task<IReadOnlyList<KubeObject>> GetAsync(ObjectQuery query, CancellationToken ct);

    /// <summary>Runs a real program in a pod; streams output; returns the exit code (kubectl's conventions).</summary>
    Task<int> ExecAsync(ExecRequest request, ExecStreams streams, CancellationToken ct);

    /// <summary>What a pod's container logged, as <c>kubectl logs</c> prints it.</summary>
    Task<string> LogsAsync(string @namespace, string pod, int? tailLines, CancellationToken ct);
}

/// <summary>YAML text and where it came from (a path, or "-" for stdin), so errors can name file and line.</summary>
public sealed record ManifestText(string Text, string Source);

/// <summary>
/// kubectl's apply, create and delete of manifests; <see cref="Replace"/> is an API update (PUT, or the result of a
/// PATCH): the object becomes what is given, its last-applied annotation included, and must exist.
/// </summary>
public enum ApplyMode { Apply, Create, Delete, Replace }

/// <summary>
/// kubectl-style result lines (<c>service/deathstar created</c>) or errors; never both partially applied.
/// </summary>
public sealed record ApplyResult(IReadOnlyList<string> Lines, IReadOnlyList<string> Errors)
{
    /// <summary>Prefix kubectl puts before each server warning it prints on stderr.</summary>
    public const string WarningPrefix = "Warning: ";

    public bool Succeeded => Errors.Count == 0;

    /// <summary>
    /// The API server's warnings (<c>spec...cidr: CIDR value "10.1.0.2/4" is ambiguous ...</c>), without the
    /// <see cref="WarningPrefix"/>; they never fail an apply.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>A <c>kubectl get</c>: kind or alias, namespace (null = default; "*" = all), label selector, name.</summary>
public sealed record ObjectQuery(string Kind, string? Namespace = null, string? LabelSelector = null, string? Name = null);

/// <summary>
/// Exec in a pod. <see cref="Timeout"/> bounds the whole run. <see cref="Tty"/> runs the program on a pseudo-terminal
/// (<c>kubectl exec -t</c>): stdout and stderr arrive merged on <see cref="ExecStreams.StandardOutput"/>, stdin is
/// streamed as typed, and <see cref="ExecStreams.Terminal"/> carries the window size.
/// </summary>
public sealed record ExecRequest(string Namespace, string Pod, IReadOnlyList<string> Command, TimeSpan? Timeout = null, string? Container = null, bool Tty = false);

/// <summary>
/// Where exec output goes, and optional stdin. Without a TTY, stdin is bounded by <see cref="ExecLimits.MaxStdinBytes"/>
/// (piped input, read to its end); with one it is a stream of keystrokes that ends when the caller closes it.
/// </summary>
public sealed record ExecStreams(Stream StandardOutput, Stream StandardError, Stream? StandardInput = null, ExecTerminal? Terminal = null);

/// <summary>Bounds every backend and client applies to exec.</summary>
public static class ExecLimits
{
    /// <summary>Most stdin a non-interactive exec passes to the program (1 MiB): piped input, not a data transfer.</summary>
    public const int MaxStdinBytes = 1024 * 1024;

    /// <summary>The error for stdin over <see cref="MaxStdinBytes"/>; nothing was run.</summary>
    public static string StdinTooLarge(string pod) =>
        $"exec in {pod}: stdin is larger than {MaxStdinBytes / (1024 * 1024)} MiB, the most a lab exec passes to a program; nothing was run";
}

/// <summary>A terminal window's size in character cells.</summary>
public readonly record struct TerminalSize(int Columns, int Rows)
{
    /// <summary>The size clamped to what a pseudo-terminal accepts and a screen can show (1..1000 by 1..500).</summary>
    public TerminalSize Clamped() => new(Math.Clamp(Columns, 1, 1000), Math.Clamp(Rows, 1, 500));
}

/// <summary>
/// The window of an interactive (TTY) exec: its size now and each resize after, which the backend passes to the
/// pod's pseudo-terminal (the program gets SIGWINCH, as in a real terminal).
/// </summary>
public sealed class ExecTerminal(TerminalSize size)
{
    private readonly Channel<TerminalSize> _resizes =
        Channel.CreateBounded<TerminalSize>(new BoundedChannelOptions(16) { FullMode = BoundedChannelFullMode.DropOldest });

    public TerminalSize Size { get; private set; } = size.Clamped();

    /// <summary>Resizes, latest last; a slow reader loses old ones, never the newest.</summary>
    public ChannelReader<TerminalSize> Resizes => _resizes.Reader;

    public void Resize(TerminalSize size)
    {
        Size = size.Clamped();
        _resizes.Writer.TryWrite(Size);
    }
}
