using System.Text;
using LabSite.Agent.Client;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Netns;
using LabSite.Shell;
using LabSite.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LabSite.Agent.Tests;

/// <summary>
/// The lab's Kubernetes API inside the lab (the kubernetes Service address, 443) and the real kubectl 1.34 run there by
/// the agent, against a real agent on the netns backend (kernel, namespaces, bwrap) with two labs. What a learner types
/// must reach their own lab and nothing else: not the other lab, not the agent's loopback port, not host files.
/// Root only; its own name prefix and roots.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class InClusterKubectlPrivilegedTests : IAsyncLifetime
{
    private const string Lab = "incl-a";
    private const string Other = "incl-b";
    private readonly string _prefix = "k" + Guid.NewGuid().ToString("N")[..6];
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "labsite-incluster-" + Guid.NewGuid().ToString("N")[..8]);
    private WebApplication? _agent;
    private AgentClient _client = null!;
    private ILabCluster _lab = null!;
    private NetnsCluster _localLab = null!;
    private NetnsCluster _localOther = null!;
    private KubernetesAccess _otherAccess = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        _agent = AgentFixture.NetnsAgent(Path.Combine(_dir, "agent.sock"), _prefix);
        await _agent.StartAsync();
        var manifests = Directory.CreateDirectory(Path.Combine(_dir, "manifests")).FullName;
        File.Copy(RepositoryPaths.StarWarsManifest("http-sw-app.yaml"), Path.Combine(manifests, "http-sw-app.yaml"));
        _client = new AgentClient(Path.Combine(_dir, "agent.sock"));
        _lab = await _client.CreateAsync(new ClusterRequest(Lab, "star-wars", manifests), null, default);
        await _client.CreateAsync(new ClusterRequest(Other, "star-wars", manifests), null, default);
        var backend = _agent.Services.GetRequiredService<NetnsBackend>();
        _localLab = (NetnsCluster)(await backend.FindAsync(Lab, default))!;
        _localOther = (NetnsCluster)(await backend.FindAsync(Other, default))!;
        await _localLab.WaitUntilSettledAsync(default);
        await _localOther.WaitUntilSettledAsync(default);
        _otherAccess = await _client.KubernetesAccessAsync(Other, default);
    }

    public async Task DisposeAsync()
    {
        await _client.DestroyAsync(Lab, default);
        await _client.DestroyAsync(Other, default);
        _client.Dispose();
        await _agent!.StopAsync();
        await _agent.DisposeAsync();
        AgentFixture.DeleteNetnsRoots(_prefix);
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<KubectlRun> KubectlAsync(string[] args, IReadOnlyDictionary<string, byte[]>? files = null, string? stdin = null)
    {
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        var input = stdin is null ? null : new MemoryStream(Encoding.UTF8.GetBytes(stdin));
        var code = await ((IKubectlRunner)_lab).RunKubectlAsync(new KubectlInvocation(args, files ?? new Dictionary<string, byte[]>()), new ExecStreams(stdout, stderr, input), default);
        return new KubectlRun(code, Encoding.UTF8.GetString(stdout.ToArray()), Encoding.UTF8.GetString(stderr.ToArray()));
    }

    private async Task<int> OtherPodCountAsync() => (await _localOther.GetAsync(new ObjectQuery("pods"), default)).Count;

    [Fact]
    public async Task A_pods_curl_reaches_its_own_labs_api_on_kubernetes_default_svc_with_the_token()
    {
        var token = (await _client.KubernetesAccessAsync(Lab, default)).Token;

        var run = await NetnsTestLabs.ExecAsync(_localLab, "xwing", "curl", "-sk", "--max-time", "5", "-H", $"Authorization: Bearer {token}", "https://kubernetes.default.svc/api");
        var other = await NetnsTestLabs.ExecAsync(_localLab, "xwing", "curl", "-sk", "--max-time", "5", "-o", "/dev/null", "-w", "%{http_code}", "-H", $"Authorization: Bearer {_otherAccess.Token}", "https://kubernetes.default.svc/api");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("\"kind\":\"APIVersions\"", run.Stdout.Replace(" ", ""));
        Assert.Equal("404", other.Stdout); // another lab's token names no lab here
    }

    [Fact]
    public async Task Kubectl_gets_the_labs_pods_with_the_servers_columns()
    {
        var run = await KubectlAsync(["get", "pods", "-l", "class=xwing"]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAME", "READY", "STATUS", "RESTARTS", "AGE"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("xwing ", lines[1]);
    }

    [Fact]
    public async Task Kubectl_applies_a_learners_file_and_stdin_and_passes_the_exit_code()
    {
        const string Policy = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: from-file\nspec:\n  endpointSelector:\n    matchLabels:\n      org: empire\n  ingress:\n  - fromEndpoints:\n    - matchLabels:\n        org: empire\n";
        var files = new Dictionary<string, byte[]> { ["policies/rule.yaml"] = Encoding.UTF8.GetBytes(Policy) };

        var fromFile = await KubectlAsync(["apply", "-f", "policies/rule.yaml"], files);
        var fromStdin = await KubectlAsync(["apply", "-f", "-"], stdin: Policy.Replace("from-file", "from-stdin"));
        var missing = await KubectlAsync(["get", "pod", "nope"]);

        Assert.True(fromFile.ExitCode == 0, fromFile.Stderr);
        Assert.Equal("ciliumnetworkpolicy.cilium.io/from-file created\n", fromFile.Stdout);
        Assert.True(fromStdin.ExitCode == 0, fromStdin.Stderr);
        Assert.Equal("ciliumnetworkpolicy.cilium.io/from-stdin created\n", fromStdin.Stdout);
        Assert.Single(await _lab.GetAsync(new ObjectQuery("cnp", Name: "from-stdin"), default));
        Assert.Empty(await _localOther.GetAsync(new ObjectQuery("cnp"), default));
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal("Error from server (NotFound): pods \"nope\" not found\n", missing.Stderr);
    }

    [Fact]
    public async Task Another_labs_path_is_not_found()
    {
        var before = await OtherPodCountAsync();

        var raw = await KubectlAsync(["get", "--raw", $"/clusters/{Other}/api/v1/namespaces/default/pods"]);
        var delete = await KubectlAsync(["delete", "--raw", $"/clusters/{Other}/api/v1/namespaces/default/pods/xwing"]);

        Assert.Equal(1, raw.ExitCode);
        Assert.Contains("NotFound", raw.Stderr + raw.Stdout);
        Assert.NotEqual(0, delete.ExitCode);
        Assert.Equal(before, await OtherPodCountAsync());
    }

    [Fact]
    public async Task Another_labs_token_is_refused_and_changes_nothing()
    {
        var before = await OtherPodCountAsync();

        var get = await KubectlAsync(["--token", _otherAccess.Token, "get", "pods"]);
        var delete = await KubectlAsync(["--token", _otherAccess.Token, "delete", "pods", "--all"]);

        Assert.Equal(1, get.ExitCode);
        Assert.DoesNotContain("xwing", get.Stdout);
        Assert.Equal(1, delete.ExitCode);
        Assert.Equal(before, await OtherPodCountAsync());
        Assert.NotEmpty(await _lab.GetAsync(new ObjectQuery("pods", Name: "xwing"), default));
    }

    [Fact]
    public async Task The_agents_loopback_port_and_another_labs_address_are_unreachable()
    {
        var loopback = new Uri(_otherAccess.Server);
        var before = await OtherPodCountAsync();

        var agentPort = await KubectlAsync(["--server", _otherAccess.Server, "--token", _otherAccess.Token, "--insecure-skip-tls-verify", "--request-timeout", "5s", "delete", "pods", "--all"]);
        var agentRaw = await KubectlAsync(["--server", $"https://127.0.0.1:{loopback.Port}", "--token", _otherAccess.Token, "--insecure-skip-tls-verify", "--request-timeout", "5s", "get", "--raw", $"/clusters/{Other}/api"]);
        var otherService = await KubectlAsync(["--server", $"https://{_localOther.KubernetesServiceIp}", "--token", _otherAccess.Token, "--insecure-skip-tls-verify", "--request-timeout", "5s", "get", "pods"]);

        Assert.Equal(1, agentPort.ExitCode);
        Assert.Contains("was refused", agentPort.Stderr);
        Assert.Equal(1, agentRaw.ExitCode);
        Assert.Contains("was refused", agentRaw.Stderr);
        Assert.Equal(1, otherService.ExitCode);
        Assert.Matches("network is unreachable|i/o timeout|no route to host", otherService.Stderr);
        Assert.Equal(before, await OtherPodCountAsync());
    }

    [Fact]
    public async Task Host_kubeconfigs_are_not_in_the_sandbox_and_a_learners_kubeconfig_with_a_proxy_reaches_nothing()
    {
        var hostConfig = Path.Combine(_dir, "other.kubeconfig");
        await File.WriteAllTextAsync(hostConfig, Kubeconfig.For(Other, _otherAccess));
        var loopback = new Uri(_otherAccess.Server);
        var proxied = Kubeconfig.For(Other, _otherAccess).Replace("    server:", $"    proxy-url: http://127.0.0.1:{loopback.Port}\n    server:");
        var files = new Dictionary<string, byte[]> { ["my.kubeconfig"] = Encoding.UTF8.GetBytes(proxied) };
        var before = await OtherPodCountAsync();

        var host = await KubectlAsync(["--kubeconfig", hostConfig, "get", "pods"]);
        var passwd = await KubectlAsync(["--kubeconfig", "/etc/shadow", "get", "pods"]);
        var viaProxy = await KubectlAsync(["--kubeconfig", "my.kubeconfig", "--request-timeout", "5s", "delete", "pods", "--all"], files);

        Assert.Equal(1, host.ExitCode);
        Assert.Contains("no such file or directory", host.Stderr);
        Assert.Equal(1, passwd.ExitCode);
        Assert.Contains("no such file or directory", passwd.Stderr);
        Assert.Equal(1, viaProxy.ExitCode);
        Assert.Matches("refused", viaProxy.Stderr);
        Assert.Equal(before, await OtherPodCountAsync());
    }

    [Fact]
    public async Task Impersonation_reaches_no_other_lab()
    {
        var run = await KubectlAsync(["--as", "system:admin", "--as-group", "system:masters", "get", "--raw", $"/clusters/{Other}/api/v1/namespaces/default/pods"]);

        Assert.Equal(1, run.ExitCode);
        Assert.DoesNotContain("xwing", run.Stdout);
    }

    private async Task<(int Code, string Out, string Err)> ShellAsync(string line)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "shell")).FullName;
        var shell = new ShellInterpreter(new ShellSession(new WorkingFolder(folder), _lab, new ProcessToolRunner()));
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await shell.RunAsync(line, stdout, stderr, default);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task The_lab_shells_kubectl_is_the_real_one_with_pipes_files_and_exit_codes()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "shell")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "rule.yaml"), "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: from-shell\nspec:\n  endpointSelector: {}\n  ingress:\n  - fromEndpoints:\n    - {}\n");

        var names = await ShellAsync("kubectl get pods -o name | grep xwing");
        var piped = await ShellAsync("cat rule.yaml | kubectl apply -f -");
        var again = await ShellAsync("kubectl apply -f rule.yaml");
        var missing = await ShellAsync("kubectl get svc nope");
        var outside = await ShellAsync("kubectl apply -f ../../etc/shadow");

        Assert.Equal((0, "pod/xwing\n"), (names.Code, names.Out));
        Assert.True(piped.Code == 0, piped.Err);
        Assert.Equal("ciliumnetworkpolicy.cilium.io/from-shell created\n", piped.Out);
        Assert.Equal((0, "ciliumnetworkpolicy.cilium.io/from-shell unchanged\n"), (again.Code, again.Out));
        Assert.Equal((1, "Error from server (NotFound): services \"nope\" not found\n"), (missing.Code, missing.Err));
        Assert.Equal(1, outside.Code);
        Assert.Contains("does not exist", outside.Err);
    }

    [Fact]
    public async Task Exec_into_the_cilium_agent_runs_the_lab_shells_cilium_dbg()
    {
        var run = await ShellAsync("kubectl -n kube-system exec ds/cilium -- cilium-dbg endpoint list");

        Assert.True(run.Code == 0, run.Err);
        Assert.Contains("ENDPOINT", run.Out);
        Assert.Contains("k8s:class=xwing", run.Out);
    }
}
