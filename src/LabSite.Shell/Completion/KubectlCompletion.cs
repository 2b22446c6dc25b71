using System.Globalization;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Shell.Completion;

/// <summary>
/// cobra's completion directives (<c>ShellCompDirective</c>), which kubectl prints as <c>:N</c> after its candidates.
/// </summary>
[Flags]
public enum CompletionDirective
{
    Default = 0,
    Error = 1,
    NoSpace = 2,
    NoFileComp = 4,
    FilterFileExt = 8,
    FilterDirs = 16,
    KeepOrder = 32,
}

/// <summary>kubectl's answer to a completion request: its candidates (or file extensions, with <see cref="CompletionDirective.FilterFileExt"/>) and directive.</summary>
public sealed record KubectlCandidates(IReadOnlyList<string> Values, CompletionDirective Directive)
{
    /// <summary>No answer (timed out, refused, malformed): complete nothing.</summary>
    public static KubectlCandidates None { get; } = new([], CompletionDirective.Error);
}

/// <summary>
/// Tab completion of a kubectl line by the real kubectl: cobra's hidden <c>__completeNoDesc</c> command, run like any
/// kubectl line of the lab shell (<see cref="IKubectlRunner"/>, in the lab's network, against the lab's API), prints one
/// candidate a line and then <c>:DIRECTIVE</c>. So verbs, flags, kinds and object names (pods of the namespace the line
/// names) come from the kubectl and the cluster the learner uses. Bounded: a short deadline (kubectl's own
/// <c>--request-timeout</c> and a cancellation after it), a capped line and a capped answer; past any, nothing is offered.
/// </summary>
public static class KubectlCompletion
{
    /// <summary>How long Tab waits for kubectl (the prompt waits with it).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <summary>Longest line completion sends to kubectl; a longer one is not completed.</summary>
    public const int MaxLineChars = 4096;

    /// <summary>Most words completion sends to kubectl.</summary>
    public const int MaxWords = 128;

    /// <summary>Most output read from kubectl (a namespace with very many pods); past it, nothing is offered.</summary>
    public const int MaxOutputChars = 512 * 1024;

    /// <summary>
    /// Asks kubectl to complete <paramref name="word"/> after <paramref name="args"/> (the words after <c>kubectl</c>).
    /// Never throws for kubectl's or the cluster's failures: completion is a convenience.
    /// </summary>
    public static async Task<KubectlCandidates> AskAsync(IKubectlRunner runner, IReadOnlyList<string> args, string word, TimeSpan timeout, CancellationToken ct)
    {
        if (args.Count + 1 > MaxWords || args.Sum(a => a.Length + 1) + word.Length > MaxLineChars || args.Append(word).Any(a => a.Contains('\0')))
        {
            return KubectlCandidates.None;
        }
        // kubectl stops its own API requests first; the cancellation ends the run if kubectl does not.
        var seconds = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds) - 1);
        string[] line = ["__completeNoDesc", $"--request-timeout={seconds.ToString(CultureInfo.InvariantCulture)}s", .. args, word];
        var output = new BoundedWriter(MaxOutputChars);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            var code = await runner.RunKubectlAsync(
                new KubectlInvocation(line, new Dictionary<string, byte[]>()),
                new ExecStreams(new TextWriterStream(output), Stream.Null, null), deadline.Token);
            return code == 0 ? Parse(output.ToString()) : KubectlCandidates.None;
        }
        catch (Exception e) when (e is OperationCanceledException or ClusterException or OutputLimitException or IOException)
        {
            ct.ThrowIfCancellationRequested();
            return KubectlCandidates.None;
        }
    }

    /// <summary>cobra's completion output: candidate lines (a tab starts a description), then <c>:N</c>, the directive.</summary>
    public static KubectlCandidates Parse(string output)
    {
        var lines = output.Replace("\r", "", StringComparison.Ordinal).Split('\n').ToList();
        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }
        if (lines.Count == 0 || !lines[^1].StartsWith(':') || !int.TryParse(lines[^1].AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var directive))
        {
            return KubectlCandidates.None;
        }
        var values = lines.Take(lines.Count - 1)
            .Select(l => l.Split('\t')[0].Trim())
            .Where(v => v.Length > 0 && !v.Any(char.IsControl))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return new KubectlCandidates(values, (CompletionDirective)directive);
    }
}
