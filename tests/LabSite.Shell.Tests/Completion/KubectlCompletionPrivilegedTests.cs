using System.Text;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Shell.Completion;
using LabSite.Shell.Terminal;
using LabSite.Testing;

namespace LabSite.Shell.Tests.Completion;

/// <summary>The Star Wars lab behind a real agent, shared by the completion tests (read-only for them).</summary>
public sealed class StarWarsAgentLab : IAsyncLifetime
{
    public NetnsAgentLab Lab { get; private set; } = null!;

    public string Folder { get; } = Directory.CreateTempSubdirectory("labsh-complete-").FullName;

    public IKubectlRunner Kubectl => (IKubectlRunner)Lab.Cluster;

    public async Task InitializeAsync()
    {
        var manifests = Directory.CreateDirectory(Path.Combine(Folder, "manifests")).FullName;
        File.Copy(RepositoryPaths.StarWarsManifest("http-sw-app.yaml"), Path.Combine(manifests, "http-sw-app.yaml"));
        foreach (var file in Directory.GetFiles(RepositoryPaths.StarWarsManifests, "*.yaml"))
        {
            File.Copy(file, Path.Combine(Folder, Path.GetFileName(file)));
        }
        await File.WriteAllTextAsync(Path.Combine(Folder, "notes.txt"), "not a manifest\n");
        Lab = await NetnsAgentLab.StartAsync("complete", manifests);
    }

    public async Task DisposeAsync()
    {
        await Lab.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}

/// <summary>
/// Tab completion of kubectl lines by the real kubectl 1.34 (<c>__completeNoDesc</c>) through the agent, in the lab,
/// against a live netns Star Wars lab: verbs, kinds, flags, pod names of the namespace the line names, the lab's
/// manifests after <c>-f</c>; and hostile lines (shell metacharacters, huge input, an unreachable server, a deadline
/// too short for any answer): bounded, nothing offered, nothing run, the lab unharmed. Root only.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class KubectlCompletionPrivilegedTests(StarWarsAgentLab fixture) : IClassFixture<StarWarsAgentLab>
{
    private Task<KubectlCandidates> AskAsync(string word, params string[] args) =>
        KubectlCompletion.AskAsync(fixture.Kubectl, args, word, KubectlCompletion.Timeout, CancellationToken.None);

    private async Task<IReadOnlyList<string>> PodNamesAsync(string ns) =>
        (await fixture.Lab.Cluster.GetAsync(new ObjectQuery("pods", ns), CancellationToken.None)).Select(p => p.Name).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task Verbs_kinds_and_flags_come_from_the_real_kubectl()
    {
        var verbs = await AskAsync("ap");
        Assert.Equal(["api-resources", "api-versions", "apply"], verbs.Values);
        Assert.Equal(CompletionDirective.NoFileComp, verbs.Directive);

        // Kinds from the lab's discovery: what its API serves, CRDs included.
        Assert.Contains("pods", (await AskAsync("po", "get")).Values);
        Assert.Contains("ciliumnetworkpolicies.cilium.io", (await AskAsync("ciliumn", "get")).Values);

        Assert.Equal(["--show-kind", "--show-labels", "--show-managed-fields"], (await AskAsync("--sh", "get", "pods")).Values);
    }

    [Fact]
    public async Task Pod_names_come_from_the_live_lab_in_the_namespace_the_line_names()
    {
        var names = await AskAsync("", "get", "pods");
        Assert.Equal(await PodNamesAsync("default"), names.Values.Order(StringComparer.Ordinal).ToList());
        Assert.Contains("xwing", names.Values);
        Assert.Equal(["tiefighter"], (await AskAsync("ti", "exec")).Values);

        var kubeSystem = await AskAsync("", "-n", "kube-system", "get", "pods");
        Assert.Equal(await PodNamesAsync("kube-system"), kubeSystem.Values.Order(StringComparer.Ordinal).ToList());
        Assert.DoesNotContain("xwing", kubeSystem.Values);
        Assert.Contains("kube-system", (await AskAsync("kube-", "get", "pods", "-n")).Values);
    }

    [Fact]
    public async Task The_lab_terminal_completes_with_kubectls_answers()
    {
        var screen = new StringBuilder();
        using var shell = new LabShell(new ShellSession(new WorkingFolder(fixture.Folder), fixture.Lab.Cluster, new ProcessToolRunner()), s =>
        {
            lock (screen)
            {
                screen.Append(s);
            }
        });
        shell.Start();
        string Text()
        {
            lock (screen)
            {
                return screen.ToString();
            }
        }
        async Task TypeAsync(string keys)
        {
            await shell.InputAsync(keys);
            await shell.WhenIdleAsync();
        }

        await TypeAsync("kubectl get pods xw\t");
        Assert.EndsWith("kubectl get pods xwing \u001b[K", Text());
        await TypeAsync("\u0015kubectl -n default exec ti\t");
        Assert.EndsWith("kubectl -n default exec tiefighter \u001b[K", Text());
        // -f: kubectl asks for json/yaml files; the lab folder's manifests are offered, not notes.txt.
        await TypeAsync("\u0015kubectl apply -f sw_l3_l4_p\t");
        Assert.EndsWith("kubectl apply -f sw_l3_l4_policy.yaml \u001b[K", Text());
        await TypeAsync("\u0015kubectl get pods --show-l\t");
        Assert.EndsWith("kubectl get pods --show-labels \u001b[K", Text());
        // Several pods: the common prefix, then the list on a second Tab.
        var deathstars = (await PodNamesAsync("default")).Where(n => n.StartsWith("deathstar-", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, deathstars.Count);
        await TypeAsync("\u0015kubectl get pods de\t\t");
        Assert.Contains($"\r\n{deathstars[0]}  {deathstars[1]}\r\n", Text());
    }

    [Theory]
    [InlineData("$(touch /tmp/labsite-completion-pwned)")]
    [InlineData("`touch /tmp/labsite-completion-pwned`;|&>x<y*")]
    [InlineData("'\"\\")]
    [InlineData("-n\n--server=http://127.0.0.1:1")]
    public async Task Shell_metacharacters_are_plain_words_for_kubectl(string word)
    {
        var answer = await AskAsync(word, "get", "pods");
        Assert.Empty(answer.Values);
        Assert.False(File.Exists("/tmp/labsite-completion-pwned"));
        Assert.Empty((await AskAsync(word, "exec")).Values);
    }

    [Fact]
    public async Task Huge_lines_are_not_sent_and_nothing_is_offered()
    {
        Assert.Equal(KubectlCandidates.None, await AskAsync("x", Enumerable.Repeat("get", KubectlCompletion.MaxWords).ToArray()));
        Assert.Equal(KubectlCandidates.None, await AskAsync(new string('x', KubectlCompletion.MaxLineChars + 1), "get", "pods"));
        Assert.Equal(KubectlCandidates.None, await AskAsync("x\0y", "get", "pods"));
    }

    [Fact]
    public async Task A_server_that_never_answers_and_a_deadline_too_short_end_with_nothing_offered_and_the_lab_still_answers()
    {
        // An address that drops every packet: kubectl's discovery waits for the deadline, which ends the run.
        var blackhole = await AskAsync("", "--server=https://10.255.255.1", "--insecure-skip-tls-verify", "get", "pods");
        Assert.Empty(blackhole.Values);
        // A deadline no kubectl run can meet (the API "slow" beyond it): cancelled, nothing offered, no exception.
        Assert.Equal(KubectlCandidates.None, await KubectlCompletion.AskAsync(fixture.Kubectl, ["get", "pods"], "", TimeSpan.FromMilliseconds(1), CancellationToken.None));
        Assert.Contains("xwing", (await AskAsync("", "get", "pods")).Values);
    }
}
