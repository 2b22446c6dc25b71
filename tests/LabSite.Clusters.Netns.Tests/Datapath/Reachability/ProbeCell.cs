using System.Text.RegularExpressions;

namespace LabSite.Clusters.Netns.Tests.Datapath.Reachability;

public enum ProbeProtocol { TCP, UDP, ICMP }

/// <summary>
/// One cell of a reachability matrix: <c>&lt;from&gt; -&gt; &lt;to&gt; &lt;port&gt;/&lt;TCP|UDP|ICMP&gt; allow|deny [133|181]</c>.
/// Endpoints are pods (<c>namespace/name</c>), <c>host</c> (the lab node) or <c>world-a</c> / <c>world-b</c> (two
/// addresses outside the cluster). For ICMP the port is the ICMP type sent (8 echo, 13 timestamp). A deny may name
/// the drop reason the datapath must report: 133 (no allow entry) or 181 (a deny entry).
/// </summary>
public sealed partial record ProbeCell(string From, string To, int Port, ProbeProtocol Protocol, bool Allow, uint? DropReason, int Line)
{
    public static readonly IReadOnlyList<string> Outside = ["host", "world-a", "world-b"];

    public string Key => $"{From} -> {To} {Port}/{Protocol}";

    public string ExpectedText => Allow ? "allow" : DropReason is { } r ? $"deny {r}" : "deny";

    public override string ToString() => $"{Key} {ExpectedText}";

    [GeneratedRegex(@"^(?<from>\S+)\s*->\s*(?<to>\S+)\s+(?<port>\d+)/(?<proto>TCP|UDP|ICMP)\s+(?<verdict>allow|deny)(?:\s+(?<reason>\d+))?$")]
    private static partial Regex CellLine();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex PodName();

    public static ProbeCell Parse(string text, string path, int line)
    {
        var m = CellLine().Match(text);
        if (!m.Success)
        {
            throw ReachabilitySpec.Error(path, line, $"matrix cell \"{text}\": expected \"<from> -> <to> <port>/<TCP|UDP|ICMP> allow|deny [133|181]\"");
        }
        foreach (var side in new[] { "from", "to" })
        {
            var name = m.Groups[side].Value;
            if (!PodName().IsMatch(name) && !Outside.Contains(name))
            {
                throw ReachabilitySpec.Error(path, line, $"matrix cell \"{text}\": {side} \"{name}\" is neither <namespace>/<pod> nor one of {string.Join(", ", Outside)}");
            }
        }
        if (m.Groups["from"].Value == m.Groups["to"].Value)
        {
            throw ReachabilitySpec.Error(path, line, $"matrix cell \"{text}\": from and to are the same endpoint");
        }
        var protocol = Enum.Parse<ProbeProtocol>(m.Groups["proto"].Value);
        var port = int.Parse(m.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture);
        var (low, high) = protocol == ProbeProtocol.ICMP ? (0, 255) : (1, 65535);
        if (port < low || port > high)
        {
            throw ReachabilitySpec.Error(path, line, $"matrix cell \"{text}\": {(protocol == ProbeProtocol.ICMP ? "ICMP type" : "port")} {port} is outside {low}-{high}");
        }
        if (protocol == ProbeProtocol.ICMP && port is not (8 or 13))
        {
            throw ReachabilitySpec.Error(path, line, $"matrix cell \"{text}\": ICMP type {port} cannot be probed; use 8 (echo) or 13 (timestamp), the requests the kernel answers");
        }
        uint? reason = null;
        if (m.Groups["reason"].Success)
        {
            reason = uint.Parse(m.Groups["reason"].Value, System.Globalization.CultureInfo.InvariantCulture);
            if (m.Groups["verdict"].Value == "allow" || reason is not (133 or 181))
            {
                throw ReachabilitySpec.Error(path, line, $"matrix cell \"{text}\": a drop reason goes after deny and is 133 (POLICY_DENIED) or 181 (POLICY_DENY)");
            }
        }
        return new ProbeCell(m.Groups["from"].Value, m.Groups["to"].Value, port, protocol, m.Groups["verdict"].Value == "allow", reason, line);
    }
}
