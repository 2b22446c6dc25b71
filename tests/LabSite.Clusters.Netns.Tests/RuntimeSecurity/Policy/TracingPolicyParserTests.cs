using LabSite.Clusters.Netns.Bpf.Abi;
using LabSite.Clusters.Netns.RuntimeSecurity.Policy;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.RuntimeSecurity.Policy;

public sealed class TracingPolicyParserTests
{
    private const string Header = "apiVersion: cilium.io/v1alpha1\nkind: TracingPolicy\nmetadata:\n  name: p\n";

    private static (TracingPolicy? Policy, IReadOnlyList<string> Errors) Parse(string spec, bool lsm = false, string header = Header)
    {
        var obj = YamlObjects.One(header + spec).Json;
        var (policy, errors) = TracingPolicyParser.Parse(obj, lsm);
        return (policy, errors.Select(e => e.ToString()).ToList());
    }

    [Fact]
    public void A_file_open_hook_with_binaries_paths_and_sigkill_is_read_and_compiled_per_pair()
    {
        var (policy, errors) = Parse("""
            spec:
              lsmhooks:
              - hook: "file_open"
                args:
                - index: 0
                  type: "file"
                selectors:
                - matchBinaries:
                  - operator: "In"
                    values: ["/usr/bin/cat", "/usr/bin/head"]
                  matchArgs:
                  - index: 0
                    operator: "Prefix"
                    values: ["/var/run/secrets/"]
                  matchActions:
                  - action: Sigkill
            """);

        Assert.Empty(errors);
        var s = Assert.Single(policy!.Selectors);
        Assert.Equal(RuntimeCodes.HookFileOpen, s.Hook);
        Assert.Equal(["/var/run/secrets/"], s.Paths);
        Assert.True(s.PathPrefix);
        Assert.Equal(["/usr/bin/cat", "/usr/bin/head"], s.Binaries);
        Assert.Equal(RuntimeCodes.ActionPost | RuntimeCodes.ActionSigkill, s.Actions);
        Assert.False(policy.Scoped);
        var rules = TracingPolicyCompiler.Compile(policy);
        Assert.Equal(2, rules.Count);
        Assert.All(rules, r => Assert.Equal(0u, r.Scoped));
    }

    [Fact]
    public void A_namespaced_policy_with_a_pod_selector_is_scoped_to_its_pods()
    {
        var (policy, errors) = Parse("spec:\n  podSelector:\n    matchLabels:\n      class: deathstar\n  lsmhooks:\n  - hook: file_open\n",
            header: "apiVersion: cilium.io/v1alpha1\nkind: TracingPolicyNamespaced\nmetadata:\n  name: p\n  namespace: empire\n");

        Assert.Empty(errors);
        Assert.True(policy!.Scoped);
        Assert.True(policy.AppliesTo("empire", new Dictionary<string, string> { ["class"] = "deathstar" }));
        Assert.False(policy.AppliesTo("default", new Dictionary<string, string> { ["class"] = "deathstar" }));
        Assert.False(policy.AppliesTo("empire", new Dictionary<string, string> { ["class"] = "tiefighter" }));
        Assert.All(TracingPolicyCompiler.Compile(policy), r => Assert.Equal(1u, r.Scoped));
    }

    [Theory]
    [InlineData("spec:\n  kprobes:\n  - call: fd_install\n", "spec.kprobes: Forbidden: kprobes are not available on this lab's kernel (no kprobes); watch files and programs with lsmhooks (file_open, bprm_check_security)")]
    [InlineData("spec:\n  lsmhooks:\n  - hook: file_permission\n", "spec.lsmhooks[0].hook: Unsupported value: \"file_permission\": supported values: \"file_open\", \"bprm_check_security\"")]
    [InlineData("spec:\n  lsmhooks:\n  - hook: file_open\n    selectors:\n    - matchArgs:\n      - index: 0\n        operator: NotEqual\n        values: [/etc/shadow]\n", "spec.lsmhooks[0].selectors[0].matchArgs[0].operator: Unsupported value: \"NotEqual\": supported values: \"Equal\", \"Prefix\"")]
    [InlineData("spec:\n  lsmhooks:\n  - hook: file_open\n    selectors:\n    - matchArgs:\n      - index: 0\n        operator: Equal\n        values: [shadow]\n", "spec.lsmhooks[0].selectors[0].matchArgs[0].values[0]: Invalid value: \"shadow\": must be an absolute path")]
    [InlineData("spec:\n  lsmhooks:\n  - hook: file_open\n    selectors:\n    - matchActions:\n      - action: Override\n        argError: -1\n", "spec.lsmhooks[0].selectors[0].matchActions[0].action: Forbidden: Override needs BPF LSM programs, which this kernel refuses to load; use Sigkill")]
    [InlineData("spec:\n  lsmhooks:\n  - hook: file_open\n    selectors:\n    - matchPIDs:\n      - operator: In\n        values: [1]\n", "spec.lsmhooks[0].selectors[0].matchPIDs: Forbidden: not supported here; a selector may hold matchArgs, matchBinaries and matchActions")]
    [InlineData("spec:\n  lsmhooks:\n  - hook: file_open\n    selectors:\n    - matchActions:\n      - action: NoPost\n", "spec.lsmhooks[0].selectors[0].matchActions[0].action: Unsupported value: \"NoPost\": supported values: \"Post\", \"Sigkill\"")]
    [InlineData("spec:\n  hostSelector: {}\n  lsmhooks:\n  - hook: file_open\n", "spec.hostSelector: Forbidden: not supported here; a lab's TracingPolicy may hold lsmhooks and podSelector")]
    [InlineData("spec:\n  lsmhooks:\n  - hook: bprm_check_security\n", "spec.lsmhooks[0].hook: Forbidden: bprm_check_security needs BPF LSM programs, which this kernel refuses to load; watch execs with tetra getevents (PROCESS_EXEC) or files with file_open")]
    [InlineData("spec: {}\n", "spec.lsmhooks: Required value: at least one LSM hook")]
    [InlineData("metadata2: x\n", "spec: Required value")]
    public void Unsupported_parts_are_refused_with_their_field_path(string spec, string error)
    {
        var (policy, errors) = Parse(spec);

        Assert.Null(policy);
        Assert.Contains(error, errors);
    }

    [Fact]
    public void Override_is_read_where_lsm_programs_load()
    {
        var (policy, errors) = Parse("spec:\n  lsmhooks:\n  - hook: file_open\n    selectors:\n    - matchActions:\n      - action: Override\n        argError: -13\n", lsm: true);

        Assert.Empty(errors);
        Assert.Equal(13, policy!.Selectors[0].Errno);
        Assert.Equal(RuntimeCodes.ActionPost | RuntimeCodes.ActionOverride, policy.Selectors[0].Actions);
    }

    [Fact]
    public void A_policy_needing_more_kernel_rules_than_fit_is_refused()
    {
        var values = string.Join(", ", Enumerable.Range(0, 17).Select(i => $"/f{i}"));
        var (_, errors) = Parse($"spec:\n  lsmhooks:\n  - hook: file_open\n    selectors:\n    - matchArgs:\n      - index: 0\n        operator: Equal\n        values: [{values}]\n");

        Assert.Equal(["spec.lsmhooks: Invalid value: the selectors need 17 kernel rules (one per binary and path); at most 16 fit"], errors);
    }

    [Fact]
    public void Paths_longer_than_the_kernel_pattern_are_refused()
    {
        var (_, errors) = Parse($"spec:\n  lsmhooks:\n  - hook: file_open\n    selectors:\n    - matchArgs:\n      - index: 0\n        operator: Equal\n        values: [/{new string('a', 200)}]\n");

        Assert.Equal(["spec.lsmhooks[0].selectors[0].matchArgs[0].values[0]: Too long: may not be longer than 127 bytes"], errors);
    }
}
