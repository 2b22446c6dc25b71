using LabSite.Shell.Completion;

namespace LabSite.Shell.Tests.Completion;

/// <summary>
/// Completion as a pure function: the shell's own words, and what it makes of kubectl's answer (cobra's candidates and
/// directive). kubectl's answers from a live lab are in KubectlCompletionPrivilegedTests.
/// </summary>
public class CompletionEngineTests
{
    private static readonly IReadOnlyList<string> s_commands = ["cat", "echo", "kubectl", "cilium-dbg", "hubble"];
    private static readonly IReadOnlyList<string> s_files = ["http-sw-app.yaml", "notes.txt", "sw_l3_l4_policy.yaml"];

    private static CompletionResult Complete(string line, KubectlCandidates? kubectl = null) =>
        CompletionEngine.Complete(line, line.Length, new CompletionData(s_commands, s_files, kubectl));

    [Theory]
    [InlineData("ku", new[] { "kubectl" })]
    [InlineData("cat h", new[] { "http-sw-app.yaml" })]
    [InlineData("echo x | ku", new[] { "kubectl" })]
    [InlineData("cilium-dbg end", new[] { "endpoint" })]
    [InlineData("hubble ", new[] { "observe", "status" })]
    [InlineData("bpftool ", new[] { "help", "map", "prog", "version" })]
    [InlineData("bpftool -j m", new[] { "map" })]
    [InlineData("bpftool map ", new[] { "dump", "getnext", "list", "lookup", "peek", "show" })]
    [InlineData("bpftool prog dump ", new[] { "xlated" })]
    [InlineData("bpftool prog dump xlated ", new[] { "id", "name", "pinned", "tag" })]
    [InlineData("bpftool map dump p", new[] { "pinned" })]
    [InlineData("bpftool --p", new[] { "--pretty" })]
    public void Offers_the_shells_own_words_where_they_fit(string line, string[] expected) => Assert.Equal(expected, Complete(line).Candidates);

    [Fact]
    public void A_kubectl_line_is_split_into_the_words_kubectl_is_asked_about()
    {
        const string line = "cat x | kubectl -n kube-system  get pods ci";
        var words = CompletionEngine.KubectlLine(line, line.Length)!;
        Assert.Equal(["-n", "kube-system", "get", "pods"], words.Args);
        Assert.Equal("ci", words.Word);
        Assert.Equal([], CompletionEngine.KubectlLine("kubectl ", 8)!.Args);
        Assert.Null(CompletionEngine.KubectlLine("kubectl get pods | grep x", 25));
        Assert.Null(CompletionEngine.KubectlLine("cilium-dbg status", 17));
    }

    [Fact]
    public void Kubectls_candidates_are_offered_sorted_with_the_word_they_complete()
    {
        var result = Complete("kubectl get ciliumn", new KubectlCandidates(["ciliumnodes", "ciliumnetworkpolicies"], CompletionDirective.NoFileComp));
        Assert.Equal(["ciliumnetworkpolicies", "ciliumnodes"], result.Candidates);
        Assert.Equal("ciliumn", result.CommonPrefix);
        Assert.Equal(12, result.Start);
        Assert.False(result.NoSpace);
    }

    [Fact]
    public void Directives_decide_files_order_and_spaces()
    {
        // -f: kubectl names extensions; the lab folder's files with them are offered.
        Assert.Equal(["http-sw-app.yaml", "sw_l3_l4_policy.yaml"], Complete("kubectl apply -f ", new KubectlCandidates(["json", "yaml", "yml"], CompletionDirective.FilterFileExt)).Candidates);
        // The default with nothing to offer means files, as a shell does; NoFileComp means nothing.
        Assert.Equal(["notes.txt"], Complete("kubectl exec xwing -- cat n", new KubectlCandidates([], CompletionDirective.Default)).Candidates);
        Assert.Empty(Complete("kubectl get pods ", new KubectlCandidates([], CompletionDirective.NoFileComp)).Candidates);
        // An error (or no answer: timed out, no Kubernetes API) offers nothing rather than guesses.
        Assert.Empty(Complete("kubectl get po", new KubectlCandidates(["pods"], CompletionDirective.Error)).Candidates);
        Assert.Empty(Complete("kubectl get po").Candidates);
        Assert.Equal(["b", "a"], Complete("kubectl x ", new KubectlCandidates(["b", "a"], CompletionDirective.KeepOrder | CompletionDirective.NoFileComp)).Candidates);
        Assert.True(Complete("kubectl get pods -o=j", new KubectlCandidates(["-o=json"], CompletionDirective.NoSpace)).NoSpace);
    }

    [Fact]
    public void Cobras_output_is_read_as_candidates_then_the_directive()
    {
        var answer = KubectlCompletion.Parse("pods\npodtemplates\n:4\n");
        Assert.Equal(["pods", "podtemplates"], answer.Values);
        Assert.Equal(CompletionDirective.NoFileComp, answer.Directive);
        // Descriptions (after a tab) are dropped; so are blank lines and candidates carrying control characters.
        answer = KubectlCompletion.Parse("apply\tApply a configuration\n\nbad\u001b[2Jname\r\n:36\r\n");
        Assert.Equal(["apply"], answer.Values);
        Assert.Equal(CompletionDirective.NoFileComp | CompletionDirective.KeepOrder, answer.Directive);
        Assert.Equal(CompletionDirective.FilterFileExt, KubectlCompletion.Parse("json\nyaml\n:8").Directive);
    }

    [Theory]
    [InlineData("")]
    [InlineData("pods\n")]
    [InlineData("pods\n:x4\n")]
    [InlineData(":-1\n")]
    [InlineData(":99999999999999999999\n")]
    public void Output_without_a_directive_line_offers_nothing(string output) => Assert.Equal(KubectlCandidates.None, KubectlCompletion.Parse(output));
}
