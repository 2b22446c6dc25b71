using System.Globalization;
using LabSite.Scenarios.Model.Checks;

namespace LabSite.Grader.Evaluation.Probe;

/// <summary>
/// The real command a probe runs inside the pod, and how its exit code and output read as an outcome. Kept apart from
/// the exec so the reading of curl's, nc's and dig's results is unit-tested without a cluster.
/// </summary>
public static class ProbeCommand
{
    /// <summary>What the attempt came to, before comparing with the check's expectation.</summary>
    public enum Ending
    {
        /// <summary>Connected / answered / resolved; for HTTP, <see cref="Reading.Code"/> says with what.</summary>
        Answered,

        /// <summary>An L7 403 <c>Access denied</c>, a refusal or a reset, or a DNS error answer.</summary>
        Denied,

        /// <summary>No answer within the timeout (an L3/L4 drop).</summary>
        Timeout,

        /// <summary>Something else went wrong (unknown host, tool missing, ...); <see cref="Reading.Detail"/> says what.</summary>
        Error,
    }

    public sealed record Reading(Ending Ending, int? Code, string Body, string Detail);

    /// <summary>The command line, e.g. <c>curl -sS -X POST --connect-timeout 3 -m 5 -w \n%{http_code} http://...</c>.</summary>
    public static IReadOnlyList<string> For(ProbeTarget target, int timeoutSeconds)
    {
        ArgumentNullException.ThrowIfNull(target);
        var t = timeoutSeconds.ToString(CultureInfo.InvariantCulture);
        return target switch
        {
            // -m bounds the whole request, so a proxy that accepts but never answers is a timeout too.
            HttpProbe h => ["curl", "-sS", "-X", h.Method, "--connect-timeout", t, "-m", (timeoutSeconds + 2).ToString(CultureInfo.InvariantCulture), "-w", "\n%{http_code}", h.Url],
            TcpProbe p => ["nc", "-z", "-v", "-w", t, p.Host, p.Port.ToString(CultureInfo.InvariantCulture)],
            DnsProbe d => ["dig", "+short", $"+time={t}", "+tries=1", d.Name],
            _ => throw new ArgumentException($"unknown probe {target.GetType().Name}", nameof(target)),
        };
    }

    /// <summary>How the learner would type it: <c>kubectl exec xwing -- curl ...</c>.</summary>
    public static string Display(string pod, IReadOnlyList<string> command) =>
        $"kubectl exec {pod} -- " + string.Join(" ", command.Select(a => a.Contains('\n', StringComparison.Ordinal) ? "'" + a.Replace("\n", "\\n", StringComparison.Ordinal) + "'" : a));

    public static Reading Read(ProbeTarget target, int exitCode, string stdout, string stderr)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var error = stderr.Trim();
        return target switch
        {
            HttpProbe => ReadCurl(exitCode, stdout, error),
            TcpProbe => exitCode == 0
                ? new Reading(Ending.Answered, null, "", "connected")
                : error.Contains("refused", StringComparison.OrdinalIgnoreCase) || error.Contains("reset", StringComparison.OrdinalIgnoreCase)
                    ? new Reading(Ending.Denied, null, "", error)
                    : error.Contains("timed out", StringComparison.OrdinalIgnoreCase)
                        ? new Reading(Ending.Timeout, null, "", error)
                        : new Reading(Ending.Error, null, "", $"nc exited with {exitCode}: {error}"),
            _ => exitCode switch
            {
                0 when stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Length > 0 =>
                    new Reading(Ending.Answered, null, stdout.Trim(), "resolved to " + string.Join(", ", stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))),
                0 => new Reading(Ending.Denied, null, "", "no address in the answer (NXDOMAIN or refused)"),
                9 => new Reading(Ending.Timeout, null, "", "no reply from the DNS server"),
                _ => new Reading(Ending.Error, null, "", $"dig exited with {exitCode}: {error}"),
            },
        };
    }

    // curl exit codes: 6 cannot resolve, 7 refused, 28 timeout, 52 empty reply, 56 reset while receiving.
    private static Reading ReadCurl(int exitCode, string stdout, string error)
    {
        var newline = stdout.LastIndexOf('\n');
        var body = newline < 0 ? "" : stdout[..newline];
        var codeText = newline < 0 ? stdout : stdout[(newline + 1)..];
        int? code = int.TryParse(codeText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c > 0 ? c : null;
        return exitCode switch
        {
            0 when code == 403 && body.Contains("Access denied", StringComparison.Ordinal) => new Reading(Ending.Denied, code, body, "HTTP 403 Access denied"),
            0 => new Reading(Ending.Answered, code, body, $"HTTP {code?.ToString(CultureInfo.InvariantCulture) ?? "?"}"),
            28 => new Reading(Ending.Timeout, code, body, "curl timed out (exit 28)"),
            7 => new Reading(Ending.Denied, code, body, "connection refused (curl exit 7)"),
            52 or 56 => new Reading(Ending.Denied, code, body, $"connection reset (curl exit {exitCode})"),
            6 => new Reading(Ending.Error, code, body, $"could not resolve the host (curl exit 6): {error}"),
            _ => new Reading(Ending.Error, code, body, $"curl exited with {exitCode}: {error}"),
        };
    }
}
