using LabSite.Shell.Completion;

namespace LabSite.Shell.Tests;

public class CompletionEngineTests
{
    private static readonly CompletionData s_data = new(
        ["cat", "echo", "kubectl", "cilium-dbg", "hubble"],
        new Dictionary<string, IReadOnlyList<string>>
        {
            ["pods"] = ["tiefighter", "xwing"],
            ["ciliumnetworkpolicies"] = ["rule1"],
            ["namespaces"] = ["default", "kube-system"],
        },
        ["http-sw-app.yaml", "sw_l3_l4_policy.yaml"]);

    private static IReadOnlyList<string> Complete(string line) => CompletionEngine.Complete(line, line.Length, s_data).Candidates;

    [Theory]
    [InlineData("ku", new[] { "kubectl" })]
    [InlineData("kubectl ex", new[] { "exec", "explain" })]
    [InlineData("kubectl exec t", new[] { "tiefighter" })]
    [InlineData("kubectl -n default logs ", new[] { "tiefighter", "xwing" })]
    [InlineData("kubectl get cc", new[] { "ccnp" })]
    [InlineData("kubectl delete cnp r", new[] { "rule1" })]
    [InlineData("kubectl get pods -o y", new[] { "yaml" })]
    [InlineData("kubectl get pods -n k", new[] { "kube-system" })]
    [InlineData("kubectl apply -f sw", new[] { "sw_l3_l4_policy.yaml" })]
    [InlineData("cat h", new[] { "http-sw-app.yaml" })]
    [InlineData("kubectl get pods --show-l", new[] { "--show-labels" })]
    [InlineData("kubectl get pods --wa", new[] { "--watch" })]
    [InlineData("echo x | ku", new[] { "kubectl" })]
    [InlineData("cilium-dbg end", new[] { "endpoint" })]
    [InlineData("bpftool ", new[] { "help", "map", "prog", "version" })]
    [InlineData("bpftool -j m", new[] { "map" })]
    [InlineData("bpftool map ", new[] { "dump", "getnext", "list", "lookup", "peek", "show" })]
    [InlineData("bpftool prog dump ", new[] { "xlated" })]
    [InlineData("bpftool prog dump xlated ", new[] { "id", "name", "pinned", "tag" })]
    [InlineData("bpftool map dump p", new[] { "pinned" })]
    [InlineData("bpftool --p", new[] { "--pretty" })]
    [InlineData("kubectl exec xwing -- ", new string[0])]
    public void Offers_what_fits_the_position(string line, string[] expected) => Assert.Equal(expected, Complete(line));

    [Fact]
    public void Common_prefix_of_several_candidates()
    {
        var result = CompletionEngine.Complete("kubectl get ciliumn", 19, s_data);
        Assert.Equal(["ciliumnetworkpolicies", "ciliumnp"], result.Candidates);
        Assert.Equal("ciliumn", result.CommonPrefix);
        Assert.Equal(12, result.Start);
    }
}
