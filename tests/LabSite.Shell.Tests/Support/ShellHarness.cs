using LabSite.Testing;

namespace LabSite.Shell.Tests.Support;

/// <summary>
/// A lab shell over a temporary lab folder and an in-memory cluster (the Star Wars objects unless given), with a fixed
/// clock. The shell sees the cluster with inspection and eBPF objects only when <c>inspection</c> is set.
/// </summary>
internal sealed class ShellHarness : IDisposable
{
    public ShellHarness(InMemoryCluster? cluster = null, IToolRunner? tools = null, TimeProvider? clock = null, bool inspection = false)
    {
        Parent = Directory.CreateTempSubdirectory("labsh-test-").FullName;
        Folder = new WorkingFolder(Path.Combine(Parent, "lab"));
        Cluster = cluster ?? StarWarsObjects.Cluster();
        Session = new ShellSession(Folder, inspection ? Cluster : Cluster.WithoutInspection(), tools ?? new ProcessToolRunner(), clock ?? new FixedClock(StarWarsObjects.Now));
        Interpreter = new ShellInterpreter(Session);
    }

    /// <summary>The folder holding the lab folder: tests check nothing appears here but "lab".</summary>
    public string Parent { get; }

    public WorkingFolder Folder { get; }

    public InMemoryCluster Cluster { get; }

    public ShellSession Session { get; }

    public ShellInterpreter Interpreter { get; }

    public async Task<(int Status, string Out, string Err)> RunAsync(string line, string? stdin = null)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var status = await Interpreter.RunAsync(line, stdout, stderr, CancellationToken.None, stdin is null ? null : new StringReader(stdin));
        return (status, stdout.ToString(), stderr.ToString());
    }

    public string File(string name) => System.IO.File.ReadAllText(Path.Combine(Folder.Root, name));

    public void Dispose() => Directory.Delete(Parent, recursive: true);
}

internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>A fixed "now" whose timers fire at once, so polling commands (kubectl get -w) run their polls without waiting.</summary>
internal sealed class InstantTimerClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        System.CreateTimer(callback, state, TimeSpan.Zero, period);
}
