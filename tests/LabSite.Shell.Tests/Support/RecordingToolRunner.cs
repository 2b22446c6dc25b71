namespace LabSite.Shell.Tests.Support;

/// <summary>Wraps the real tool runner and records every process the shell asks for.</summary>
internal sealed class RecordingToolRunner : IToolRunner
{
    private readonly ProcessToolRunner _real = new();

    public List<(string Path, IReadOnlyList<string> Args)> Runs { get; } = [];

    public Task<ToolResult> RunAsync(AllowedTool tool, IReadOnlyList<string> args, string stdin, CancellationToken ct)
    {
        lock (Runs)
        {
            Runs.Add((tool.Path, args.ToList()));
        }
        return _real.RunAsync(tool, args, stdin, ct);
    }
}
