using System.Globalization;
using LabSite.Clusters.Contract.LearnerBpf;
using LabSite.Grader.Results;
using LabSite.Scenarios.Model.Checks;

namespace LabSite.Grader.Evaluation.Bpf;

/// <summary>
/// Evaluates a bpf-program check against the learner's loaded programs (<see cref="ILearnerBpf.ListBpfAsync"/>):
/// one attached to a selected pod, on the hook asked for, whose map's values reach the total asked for.
/// Evidence: each of the learner's programs as <c>bpf list</c> describes it.
/// </summary>
public static class BpfProgramCheckEvaluator
{
    public static async Task<CheckResult> EvaluateAsync(BpfProgramCheck check, CheckContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(context);
        var hook = check.Hook is null ? "" : check.Hook == "socket" ? " on a packet socket" : $" on tc {check.Hook}";
        var total = check.Map is null ? "" : check.AtLeast is { } least
            ? $" with map {check.Map} totalling at least {least.ToString(CultureInfo.InvariantCulture)}"
            : $" with a map {check.Map}";
        var expected = $"a program of yours is attached to {check.Pod}{hook}{total}";
        if (context.Cluster is not ILearnerBpf learner)
        {
            return CannotCheck.Because(check, expected, $"the {context.Cluster.Backend} backend of cluster {context.Cluster.Name} does not load programs of yours");
        }

        var programs = await learner.ListBpfAsync(ct);
        var evidence = programs.Select(Describe).ToList();
        if (programs.Count == 0)
        {
            return Fail(check, expected, "no program of yours is loaded", evidence, "Load it with bpf load FILE.o --pod POD; bpf list shows what is loaded.");
        }

        var onPod = programs.Where(p => PodResolver.Matches(check.Pod, p.Namespace, p.Pod, [])).ToList();
        if (onPod.Count == 0)
        {
            return Fail(check, expected, $"your programs are attached to {string.Join(", ", programs.Select(p => $"{p.Namespace}/{p.Pod}").Distinct())}, not to {check.Pod}", evidence, null);
        }
        var onHook = onPod.Where(p => check.Hook is null || HookWord(p) == check.Hook).ToList();
        if (onHook.Count == 0)
        {
            return Fail(check, expected, $"on {check.Pod} your programs run on {string.Join(", ", onPod.Select(HookWord).Distinct())}, not {check.Hook}", evidence, null);
        }
        if (check.Map is null)
        {
            return Pass(check, expected, $"{onHook[0].Name} ({onHook[0].ProgramName}, id {onHook[0].ProgramId}) is attached to {onHook[0].Namespace}/{onHook[0].Pod} on {HookWord(onHook[0])}", evidence);
        }

        var withMap = onHook.Select(p => (Program: p, Map: p.Maps.FirstOrDefault(m => m.Name == check.Map))).Where(x => x.Map is not null).ToList();
        if (withMap.Count == 0)
        {
            return Fail(check, expected, $"no program of yours on {check.Pod} has a map named {check.Map} (their maps: {string.Join(", ", onHook.SelectMany(p => p.Maps).Select(m => m.Name).DefaultIfEmpty("none"))})", evidence, null);
        }
        var best = withMap.MaxBy(x => x.Map!.ValueSum ?? 0);
        var sum = best.Map!.ValueSum;
        var seen = $"{best.Program.Name}'s map {check.Map} totals {(sum is { } s ? s.ToString(CultureInfo.InvariantCulture) : "(values are not numbers)")}";
        return check.AtLeast is not { } atLeast || (sum is { } value && value >= (ulong)atLeast)
            ? Pass(check, expected, seen, evidence)
            : Fail(check, expected, seen, evidence, "Send traffic through the pod's interface (kubectl exec ... -- curl ...), then check again.");
    }

    private static string HookWord(LearnerBpfProgram p) => p.Hook switch
    {
        BpfHook.Ingress => "ingress",
        BpfHook.Egress => "egress",
        _ => "socket",
    };

    private static string Describe(LearnerBpfProgram p) =>
        $"{p.Name}: {p.ProgramType} {p.ProgramName} (id {p.ProgramId.ToString(CultureInfo.InvariantCulture)}) on {p.Namespace}/{p.Pod} {HookWord(p)}; maps: "
        + string.Join(", ", p.Maps.Select(m => $"{m.Name}={(m.ValueSum is { } s ? s.ToString(CultureInfo.InvariantCulture) : "-")}").DefaultIfEmpty("none"));

    private static CheckResult Pass(BpfProgramCheck check, string expected, string observed, IReadOnlyList<string> evidence) =>
        new(check.Id, check.Title, CheckOutcome.Passed, expected, observed, evidence);

    private static CheckResult Fail(BpfProgramCheck check, string expected, string observed, IReadOnlyList<string> evidence, string? advice) =>
        new(check.Id, check.Title, CheckOutcome.Failed, expected, observed, evidence, check.OnFail ?? advice);
}
