using System.Text;
using CliWrap;
using CliWrap.EventStream;
using LabSite.Clusters.Contract;

namespace LabSite.Clusters.Kind.Tools;

/// <summary>What a tool run ended with: its exit code and its last output lines (stdout and stderr interleaved).</summary>
public sealed record ToolResult(int ExitCode, IReadOnlyList<string> LastLines)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>
/// Runs kind, helm and kubectl through CliWrap: every output line is streamed to the caller as it comes (kind's
/// progress), the last lines are kept for the error a failed stage reports, cancellation kills the process, and a
/// tool that is not installed is a <see cref="ClusterException"/> naming it and what installs it.
/// </summary>
public sealed class ToolRunner
{
    /// <summary>How many trailing lines a result keeps for error messages.</summary>
    public const int KeptLines = 20;

    /// <summary>Where a tool is found: an absolute path, or a name looked up on PATH.</summary>
    public static string? Resolve(string tool)
    {
        if (Path.IsPathRooted(tool))
        {
            return File.Exists(tool) ? tool : null;
        }
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>The one-line message for a tool that is not there, with what installs it.</summary>
    public static string Missing(string tool, string install) => $"{tool} not found (looked for '{tool}'{(Path.IsPathRooted(tool) ? "" : " on PATH")}); {install}";

    /// <summary>
    /// Runs <paramref name="tool"/> with <paramref name="args"/>; <paramref name="onLine"/> sees each line. A non-zero exit is
    /// returned, not thrown: the caller names the stage. Cancellation kills the process and throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public async Task<ToolResult> RunAsync(string tool, IReadOnlyList<string> args, string install, Action<string>? onLine,
        CancellationToken ct, string? stdin = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var path = Resolve(tool) ?? throw new ClusterException(Missing(tool, install));
        var last = new Queue<string>();
        var command = Cli.Wrap(path).WithArguments(args).WithValidation(CommandResultValidation.None);
        if (stdin is not null)
        {
            command = command.WithStandardInputPipe(PipeSource.FromString(stdin, Encoding.UTF8));
        }
        if (environment is not null)
        {
            command = command.WithEnvironmentVariables(environment);
        }
        int exit = -1;
        await foreach (var e in command.ListenAsync(ct))
        {
            switch (e)
            {
                case StandardOutputCommandEvent o: Keep(o.Text); break;
                case StandardErrorCommandEvent err: Keep(err.Text); break;
                case ExitedCommandEvent x: exit = x.ExitCode; break;
            }
        }
        return new ToolResult(exit, [.. last]);

        void Keep(string line)
        {
            lock (last)
            {
                last.Enqueue(line);
                if (last.Count > KeptLines)
                {
                    last.Dequeue();
                }
            }
            onLine?.Invoke(line);
        }
    }
}
