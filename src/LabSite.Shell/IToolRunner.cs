namespace LabSite.Shell;

/// <summary>
/// The only way the lab shell starts a host process. The real runner accepts only the allow-listed tools, by fixed path,
/// with no file access (stdin only) and an empty environment; tests wrap it to prove no other process ever starts.
/// </summary>
public interface IToolRunner
{
    Task<ToolResult> RunAsync(AllowedTool tool, IReadOnlyList<string> args, string stdin, CancellationToken ct);
}

/// <summary>Host tools the shell may run, each with its fixed path.</summary>
public sealed record AllowedTool(string Name, string Path)
{
    public static readonly AllowedTool Jq = new("jq", "/usr/bin/jq");

    /// <summary>Read-only subcommands on the lab's own objects only; the argv is built by <c>BpftoolCommand</c>, never typed.</summary>
    public static readonly AllowedTool Bpftool = new("bpftool", "/usr/sbin/bpftool");
}

public sealed record ToolResult(int ExitCode, string Stdout, string Stderr);
