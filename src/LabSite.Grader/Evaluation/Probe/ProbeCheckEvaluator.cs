using System.Globalization;
using System.Text;
using LabSite.Clusters.Contract;
using LabSite.Grader.Results;
using LabSite.Scenarios.Model.Checks;

namespace LabSite.Grader.Evaluation.Probe;

/// <summary>
/// Evaluates a probe check by running a real request from the pod (curl, nc or dig through
/// <see cref="ILabCluster.ExecAsync"/>) and comparing how it ended with the expectation. Evidence: the command and
/// what it printed.
/// </summary>
public static class ProbeCheckEvaluator
{
    /// <summary>How much of the response body the evidence keeps.</summary>
    public const int BodyEvidenceChars = 300;

    public static async Task<CheckResult> EvaluateAsync(ProbeCheck check, CheckContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(context);
        var expected = Expected(check);
        var pods = await PodResolver.PodsAsync(context.Cluster, check.From, ct);
        var pod = pods.FirstOrDefault(p => (string?)p.Json["status"]?["phase"] == "Running");
        if (pod is null)
        {
            var observed = pods.Count == 0
                ? await PodResolver.NoneMatchAsync(context.Cluster, check.From, ct)
                : $"no pod of {check.From} is Running ({string.Join(", ", pods.Select(p => $"{p.Name}: {(string?)p.Json["status"]?["phase"] ?? "no phase"}"))})";
            return new CheckResult(check.Id, check.Title, CheckOutcome.Failed, expected, observed, [], check.OnFail ?? "Start the pod first and wait until it is Running.");
        }

        var command = ProbeCommand.For(check.Probe, check.TimeoutSeconds);
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();
        int exit;
        try
        {
            exit = await context.Cluster.ExecAsync(
                new ExecRequest(pod.Namespace ?? check.From.Namespace, pod.Name, command, TimeSpan.FromSeconds(check.TimeoutSeconds + 5)),
                new ExecStreams(stdout, stderr), ct);
        }
        catch (ClusterException e)
        {
            return CannotCheck.Because(check, expected, $"could not run {command[0]} in pod {pod.Name}: {e.Message}");
        }

        var outText = Encoding.UTF8.GetString(stdout.ToArray());
        var errText = Encoding.UTF8.GetString(stderr.ToArray());
        var reading = ProbeCommand.Read(check.Probe, exit, outText, errText);
        var passed = check.Expect switch
        {
            ProbeExpectation.Success => reading.Ending == ProbeCommand.Ending.Answered && AnswerMatches(check.Probe, reading),
            ProbeExpectation.Denied => reading.Ending == ProbeCommand.Ending.Denied,
            _ => reading.Ending == ProbeCommand.Ending.Timeout,
        };
        var evidence = new List<string> { "$ " + ProbeCommand.Display(pod.Name, command), $"exit code {exit.ToString(CultureInfo.InvariantCulture)}" };
        if (reading.Body.Length > 0)
        {
            evidence.Add(reading.Body.Length > BodyEvidenceChars ? reading.Body[..BodyEvidenceChars] + "…" : reading.Body);
        }
        if (errText.Trim().Length > 0)
        {
            evidence.Add(errText.Trim());
        }
        var observedText = $"from {pod.Name}: {reading.Detail}" + (reading.Body.Length > 0 && check.Probe is HttpProbe ? $", body \"{Shorten(reading.Body)}\"" : "");
        return new CheckResult(check.Id, check.Title, passed ? CheckOutcome.Passed : CheckOutcome.Failed, expected, observedText, evidence,
            passed ? null : check.OnFail ?? Advice(check, reading));
    }

    private static bool AnswerMatches(ProbeTarget probe, ProbeCommand.Reading reading) => probe switch
    {
        HttpProbe h => (h.Code is { } code ? reading.Code == code : reading.Code is >= 200 and < 300)
            && (h.BodyContains is not { } body || reading.Body.Contains(body, StringComparison.Ordinal)),
        _ => true,
    };

    private static string Expected(ProbeCheck check)
    {
        var target = check.Probe switch
        {
            HttpProbe h => $"{h.Method} {h.Url}",
            TcpProbe t => $"a TCP connection to {t.Host}:{t.Port}",
            DnsProbe d => $"a DNS lookup of {d.Name}",
            _ => "the probe",
        };
        return check.Expect switch
        {
            ProbeExpectation.Success => check.Probe is HttpProbe h
                ? $"{target} from {check.From} answers {(h.Code is { } c ? c.ToString(CultureInfo.InvariantCulture) : "2xx")}" + (h.BodyContains is { } b ? $" with \"{b}\"" : "")
                : $"{target} from {check.From} succeeds",
            ProbeExpectation.Denied => $"{target} from {check.From} is refused by policy" + (check.Probe is HttpProbe ? " (HTTP 403 Access denied)" : ""),
            _ => $"{target} from {check.From} times out after {check.TimeoutSeconds}s (packets dropped)",
        };
    }

    private static string Advice(ProbeCheck check, ProbeCommand.Reading reading) => (check.Expect, reading.Ending) switch
    {
        (ProbeExpectation.Success, ProbeCommand.Ending.Timeout) => "The packets are dropped: a policy selects one side but allows nothing that matches. `hubble observe --verdict DROPPED` shows the drops.",
        (ProbeExpectation.Success, ProbeCommand.Ending.Denied) => "An L7 rule or a closed port refuses it; compare the request with the policy's http rules.",
        (ProbeExpectation.Denied, ProbeCommand.Ending.Answered) => "The request still gets through: no L7 rule stops it yet.",
        (ProbeExpectation.Denied, ProbeCommand.Ending.Timeout) => "The request is dropped at L3/L4 instead of refused by an L7 rule; allow the port and add http rules.",
        (ProbeExpectation.Timeout, ProbeCommand.Ending.Answered) => "The connection still gets through: apply the policy that should drop it.",
        (ProbeExpectation.Timeout, ProbeCommand.Ending.Denied) => "The connection is refused rather than dropped: an L7 rule answers it, but this step asks for an L3/L4 drop.",
        (ProbeExpectation.Success, ProbeCommand.Ending.Answered) => "It answered, but not as expected; compare the status and body above.",
        _ => $"The probe itself failed ({reading.Detail}); check the pod and the target name.",
    };

    private static string Shorten(string body)
    {
        var oneLine = body.ReplaceLineEndings(" ").Trim();
        return oneLine.Length > 80 ? oneLine[..80] + "…" : oneLine;
    }
}
