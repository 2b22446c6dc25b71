using System.Globalization;
using LabSite.Grader.Results;
using LabSite.Scenarios.Model.Checks;

namespace LabSite.Grader.Evaluation;

/// <summary>
/// Evaluates <c>encryption</c> checks against every node's <c>cilium-dbg encrypt status</c> (and its XFRM states for
/// the SPI and traffic). Evidence: each node's status lines.
/// </summary>
public static class EncryptionCheckEvaluator
{
    public static async Task<CheckResult> EvaluateAsync(EncryptionCheck check, CheckContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(context);
        var parts = new List<string> { $"every node's encryption is {check.Mode}" };
        if (check.Spi is { } spi)
        {
            parts.Add($"sends with SPI {spi}");
        }
        if (check.KeysInUse is { } keys)
        {
            parts.Add($"has {keys} key{(keys == 1 ? "" : "s")} in use");
        }
        if (check.Traffic == true)
        {
            parts.Add("has sent and received ESP");
        }
        var expected = string.Join(", ", parts);
        if (context.Inspector is not { } inspector)
        {
            return CannotCheck.NoInspector(check, expected, context.Cluster);
        }
        if (await inspector.GetEncryptionStatusAsync(ct) is not { Count: > 0 } nodes)
        {
            return CannotCheck.Because(check, expected, $"cluster {context.Cluster.Name} reports no encryption status");
        }
        var evidence = nodes.SelectMany(n => new[] { $"node {n.Node}:" }.Concat(n.ToText().TrimEnd('\n').Split('\n').Select(l => "  " + l.TrimEnd()))).ToList();
        var problems = new List<string>();
        foreach (var n in nodes)
        {
            if (n.Mode != check.Mode)
            {
                problems.Add($"{n.Node} is {n.Mode}");
                continue;
            }
            var outbound = n.States?.Where(s => s.Direction == "out").ToList() ?? [];
            if (check.Spi is { } wanted && outbound.Any(s => s.Spi != (uint)wanted))
            {
                problems.Add($"{n.Node} sends with SPI {string.Join(", ", outbound.Select(s => s.Spi.ToString(CultureInfo.InvariantCulture)).Distinct())}");
            }
            if (check.KeysInUse is { } wantedKeys && n.KeysInUse != wantedKeys)
            {
                problems.Add($"{n.Node} has {n.KeysInUse} keys in use");
            }
            if (check.Traffic == true)
            {
                var current = outbound.Select(s => s.Spi).ToHashSet();
                var sent = outbound.Sum(s => s.Packets);
                var received = n.States?.Where(s => s.Direction == "in" && current.Contains(s.Spi)).Sum(s => s.Packets) ?? 0;
                if (sent == 0 || received == 0)
                {
                    problems.Add($"{n.Node} has sent {sent} and received {received} ESP packets with its current key");
                }
            }
        }
        if (problems.Count == 0)
        {
            return new CheckResult(check.Id, check.Title, CheckOutcome.Passed, expected, $"all {nodes.Count} nodes: {check.Mode}", evidence);
        }
        var message = nodes.Select(n => n.Message).FirstOrDefault(m => m is { Length: > 0 });
        var advice = message is not null
            ? $"The agent refused the key: {message}"
            : check.Mode == "IPsec"
                ? "Cilium reads its key from the Secret kube-system/cilium-ipsec-keys (key \"keys\": \"SPI rfc4106(gcm(aes)) HEX 128\"); `cilium-dbg encrypt status` shows what each node uses. Traffic counts only after pods talk across nodes."
                : "Delete the Secret kube-system/cilium-ipsec-keys to turn IPsec off.";
        return new CheckResult(check.Id, check.Title, CheckOutcome.Failed, expected, string.Join("; ", problems), evidence, check.OnFail ?? advice);
    }
}
