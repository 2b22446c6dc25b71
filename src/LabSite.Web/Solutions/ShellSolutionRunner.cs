using LabSite.Clusters.Contract;
using LabSite.Grader.Testing;
using LabSite.Shell;

namespace LabSite.Web.Solutions;

/// <summary>
/// Runs solution blocks through the lab shell, exactly as a learner's terminal runs typed lines (kubectl, hubble,
/// cilium-dbg over the cluster contract), in a working copy of the lab folder so a solution that writes files
/// leaves the content untouched. A block stops at its first failing line (<c>set -e</c>), so lab test reports it.
/// </summary>
public sealed class ShellSolutionRunner(string workingFolder) : ISolutionRunner
{
    private ShellInterpreter? _shell;
    private ILabCluster? _cluster;

    public async Task<SolutionRun> RunAsync(ILabCluster cluster, string script, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        if (_shell is null || !ReferenceEquals(_cluster, cluster))
        {
            _shell = new ShellInterpreter(new ShellSession(new WorkingFolder(workingFolder), cluster, new ProcessToolRunner())) { ExitOnError = true };
            _cluster = cluster;
        }
        using var output = new StringWriter();
        var exit = await _shell.RunAsync(script, output, output, ct);
        return new SolutionRun(exit, output.ToString());
    }
}
