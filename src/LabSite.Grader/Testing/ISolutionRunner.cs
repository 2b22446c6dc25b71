using LabSite.Clusters.Contract;

namespace LabSite.Grader.Testing;

/// <summary>Runs one solution block (a script of shell lines) against a cluster, as the learner's terminal would.</summary>
public interface ISolutionRunner
{
    Task<SolutionRun> RunAsync(ILabCluster cluster, string script, CancellationToken ct);
}

/// <summary>The script's exit status (its last line's) and everything it printed.</summary>
public sealed record SolutionRun(int ExitCode, string Output);
