using LabSite.Clusters.Contract;
using LabSite.Grader.Results;
using LabSite.Scenarios.Model;

namespace LabSite.Grader.Evaluation;

/// <summary>Results for checks the cluster cannot answer yet, said plainly rather than as a pass or a fail.</summary>
internal static class CannotCheck
{
    public static CheckResult Because(CheckSpec check, string expected, string why) =>
        new(check.Id, check.Title, CheckOutcome.CannotCheck, expected, $"cannot check yet: {why}", []);

    public static CheckResult NoInspector(CheckSpec check, string expected, ILabCluster cluster) =>
        Because(check, expected, $"the {cluster.Backend} backend of cluster {cluster.Name} offers no flow or eBPF map inspection");
}
