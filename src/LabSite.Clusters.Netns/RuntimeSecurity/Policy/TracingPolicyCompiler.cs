using LabSite.Clusters.Netns.Bpf.Abi;

namespace LabSite.Clusters.Netns.RuntimeSecurity.Policy;

/// <summary>
/// Turns a policy's selectors into kernel rules: one per (path, binary) pair, since a kernel rule holds one path
/// pattern and one binary pattern; the values of a matchArgs or matchBinaries entry are alternatives, so each pair is
/// its own rule. A scoped policy's rules are marked so the kernel applies them to the pods switched on for them.
/// </summary>
public static class TracingPolicyCompiler
{
    public static IReadOnlyList<RuntimeRuleAbi> Compile(TracingPolicy policy)
    {
        var rules = new List<RuntimeRuleAbi>();
        foreach (var s in policy.Selectors)
        {
            string?[] paths = s.Paths.Count == 0 ? [null] : [.. s.Paths];
            string?[] binaries = s.Binaries.Count == 0 ? [null] : [.. s.Binaries];
            foreach (var path in paths)
            {
                foreach (var binary in binaries)
                {
                    var rule = RuntimeSensor.Rule(s.Hook, path, s.PathPrefix, binary, s.BinaryPrefix, s.Actions, s.Errno);
                    rule.Scoped = policy.Scoped ? 1u : 0u;
                    rules.Add(rule);
                }
            }
        }

        return rules;
    }
}
