using System.Globalization;
using LabSite.Clusters.Contract;
using LabSite.Grader.Results;
using LabSite.Scenarios.Model.Checks;

namespace LabSite.Grader.Evaluation.Answer;

/// <summary>
/// Evaluates an answer check: compares the learner's answer (spaces trimmed; case only when the check says so) with a
/// literal or with a value read live from the cluster (identity, endpoint id, pod IP, service IP). The expected value
/// is never shown to the learner; the evidence says where it was read.
/// </summary>
public static class AnswerCheckEvaluator
{
    public static async Task<CheckResult> EvaluateAsync(AnswerCheck check, CheckContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(context);
        var expectedText = check.Answer.Live is { } live ? $"the {Describe(live)}" : "the right answer";
        var expected = $"an answer to \"{check.Question}\" equal to {expectedText}";
        var (value, source, why) = check.Answer.Literal is { } literal
            ? (literal, "the lab's answer", null)
            : await LiveAsync(check.Answer.Live!, context, ct);
        if (value is null)
        {
            return why is { } reason && reason.StartsWith("cannot check yet: ", StringComparison.Ordinal)
                ? CannotCheck.Because(check, expected, reason["cannot check yet: ".Length..])
                : new CheckResult(check.Id, check.Title, CheckOutcome.Failed, expected, why ?? "no value", [], check.OnFail);
        }
        var answer = context.Answer?.Trim();
        if (string.IsNullOrEmpty(answer))
        {
            return new CheckResult(check.Id, check.Title, CheckOutcome.Failed, expected, "no answer given yet", [source],
                check.OnFail ?? "Type your answer in the box and press Check.");
        }
        var comparison = check.CaseSensitive ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        var passed = string.Equals(answer, value.Trim(), comparison);
        return new CheckResult(check.Id, check.Title, passed ? CheckOutcome.Passed : CheckOutcome.Failed, expected,
            passed ? $"\"{answer}\" is right" : $"\"{answer}\" is not right", [$"compared with {source}"],
            passed ? null : check.OnFail ?? (check.Answer.Live is { } l ? $"Look the {Describe(l)} up again; it is read from your cluster now." : "Read the step again and retry."));
    }

    /// <summary>
    /// The right answer as the cluster holds it now (or the literal), for <c>labsite lab test</c>, which must prove
    /// the check can pass; null with the reason when it cannot be read.
    /// </summary>
    public static async Task<(string? Value, string? Why)> RightAnswerAsync(AnswerCheck check, CheckContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(context);
        if (check.Answer.Literal is { } literal)
        {
            return (literal, null);
        }
        var (value, _, why) = await LiveAsync(check.Answer.Live!, context, ct);
        return (value, why);
    }

    private static string Describe(LiveValue live) => live.Kind switch
    {
        LiveValueKind.Identity => $"numeric identity of pod {live.Pod}",
        LiveValueKind.EndpointId => $"endpoint id of pod {live.Pod}",
        LiveValueKind.PodIp => $"IP address of pod {live.Pod}",
        _ => $"ClusterIP of service {live.Namespace}/{live.Service}",
    };

    private static async Task<(string? Value, string Source, string? Why)> LiveAsync(LiveValue live, CheckContext context, CancellationToken ct)
    {
        if (live.Kind == LiveValueKind.ServiceIp)
        {
            var svc = (await context.Cluster.GetAsync(new ObjectQuery("services", live.Namespace, Name: live.Service), ct)).FirstOrDefault(s => s.Name == live.Service);
            var ip = (string?)svc?.Json["spec"]?["clusterIP"];
            return (ip, $"the live ClusterIP of service {live.Namespace}/{live.Service}", ip is null ? $"service {live.Namespace}/{live.Service} does not exist (or has no ClusterIP)" : null);
        }
        var selector = live.Pod!;
        if (live.Kind == LiveValueKind.PodIp)
        {
            var pod = (await PodResolver.PodsAsync(context.Cluster, selector, ct)).FirstOrDefault();
            var ip = (string?)pod?.Json["status"]?["podIP"];
            return (ip, $"the live IP of pod {pod?.Name ?? selector.ToString()}", ip is null ? await PodResolver.NoneMatchAsync(context.Cluster, selector, ct) : null);
        }
        if (context.Inspector is not { } inspector)
        {
            return (null, "", $"cannot check yet: the {context.Cluster.Backend} backend offers no endpoint inspection");
        }
        var endpoint = (await PodResolver.EndpointsAsync(inspector, selector, ct)).FirstOrDefault();
        if (endpoint is null)
        {
            return (null, "", await PodResolver.NoneMatchAsync(context.Cluster, selector, ct));
        }
        return live.Kind == LiveValueKind.Identity
            ? (endpoint.Identity.ToString(CultureInfo.InvariantCulture), $"the live identity of {endpoint.PodName} (cilium-dbg endpoint list)", null)
            : (endpoint.Id.ToString(CultureInfo.InvariantCulture), $"the live endpoint id of {endpoint.PodName} (cilium-dbg endpoint list)", null);
    }
}
