using System.Text;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Shell.Tests.Support;
using LabSite.Testing;

namespace LabSite.Shell.Tests.Kubectl;

public class KubectlVerbTests
{
    [Fact]
    public async Task Apply_a_file_of_the_lab_folder_passes_text_and_source()
    {
        using var shell = new ShellHarness();
        File.WriteAllText(Path.Combine(shell.Folder.Root, "sw_l3_l4_policy.yaml"), StarWarsObjects.L3L4Policy);
        var (status, output, _) = await shell.RunAsync("kubectl create -f sw_l3_l4_policy.yaml");
        Assert.Equal((0, "ciliumnetworkpolicy.cilium.io/rule1 created\n"), (status, output));
        var (manifest, applyMode) = Assert.Single(shell.Cluster.Applied);
        Assert.Equal((StarWarsObjects.L3L4Policy, "sw_l3_l4_policy.yaml", ApplyMode.Create), (manifest.Text, manifest.Source, applyMode));
    }

    [Fact]
    public async Task Apply_from_a_here_document_reads_stdin()
    {
        using var shell = new ShellHarness();
        await shell.RunAsync("kubectl apply -f - <<'EOF'\nkind: Pod\nEOF");
        Assert.Equal(("kind: Pod\n", "STDIN", ApplyMode.Apply), (shell.Cluster.Applied[0].Manifest.Text, shell.Cluster.Applied[0].Manifest.Source, shell.Cluster.Applied[0].Mode));
    }

    [Fact]
    public async Task Apply_errors_go_to_stderr_with_status_1()
    {
        using var shell = new ShellHarness();
        File.WriteAllText(Path.Combine(shell.Folder.Root, "p.yaml"), "x");
        Assert.Equal((1, "", "error: error parsing p.yaml: document 1 at line 1 is not an object (expected apiVersion, kind, metadata ...)\n"), await shell.RunAsync("kubectl apply -f p.yaml"));
        Assert.Equal((1, "", "error: the path \"nope.yaml\" does not exist\n"), await shell.RunAsync("kubectl apply -f nope.yaml"));
        Assert.Equal((1, "", "error: must specify one of -f and -k\n"), await shell.RunAsync("kubectl apply"));
        Assert.StartsWith("error: ../x.yaml: .. leaves the lab folder", (await shell.RunAsync("kubectl apply -f ../x.yaml")).Err);
    }

    [Fact]
    public async Task Apply_prints_the_servers_warnings_on_stderr_and_succeeds()
    {
        using var shell = new ShellHarness();
        File.WriteAllText(Path.Combine(shell.Folder.Root, "np.yaml"), """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: outside}
            spec:
              podSelector: {}
              egress: [{to: [{ipBlock: {cidr: 10.1.0.2/4, except: [10.1.0.0/16]}}]}]
            """);

        var created = await shell.RunAsync("kubectl create -f np.yaml");
        var applied = await shell.RunAsync("kubectl apply -f np.yaml");

        const string Warning = "Warning: spec.egress[0].to[0].ipBlock.cidr: CIDR value \"10.1.0.2/4\" is ambiguous in this context (should be \"0.0.0.0/4\" or \"10.1.0.2/32\"?)\n";
        Assert.Equal((0, "networkpolicy.networking.k8s.io/outside created\n", Warning), created);
        Assert.Equal((0, "networkpolicy.networking.k8s.io/outside unchanged\n", Warning), applied);
    }

    [Fact]
    public async Task Apply_still_refuses_what_is_not_a_cidr_with_path_and_line()
    {
        using var shell = new ShellHarness();
        File.WriteAllText(Path.Combine(shell.Folder.Root, "cnp.yaml"), """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: outside}
            spec:
              endpointSelector: {}
              egress:
              - toCIDR: [10.1.0/4]
            """);

        Assert.Equal(
            (1, "", "The CiliumNetworkPolicy \"outside\" is invalid: spec.egress[0].toCIDR[0]: \"10.1.0/4\" is not a CIDR (expected an address and a prefix length, e.g. 10.0.0.0/8, or one address) at line 7\n"),
            await shell.RunAsync("kubectl apply -f cnp.yaml"));
    }

    [Fact]
    public async Task Delete_by_kind_and_name_sends_one_stub_per_object()
    {
        using var shell = new ShellHarness();
        shell.Cluster.Apply(StarWarsObjects.L3L4Policy).Apply(StarWarsObjects.L3L4Policy.Replace("name: rule1", "name: rule2"));
        var (status, output, _) = await shell.RunAsync("kubectl delete cnp rule1 rule2");
        Assert.Equal((0, "ciliumnetworkpolicy.cilium.io \"rule1\" deleted\nciliumnetworkpolicy.cilium.io \"rule2\" deleted\n"), (status, output));
        Assert.All(shell.Cluster.Applied, a => Assert.Equal(ApplyMode.Delete, a.Mode));
        Assert.Equal("""{"apiVersion":"cilium.io/v2","kind":"CiliumNetworkPolicy","metadata":{"name":"rule1","namespace":"default"}}""", shell.Cluster.Applied[0].Manifest.Text.Trim());
    }

    [Fact]
    public async Task Exec_runs_the_command_in_the_pod_and_reports_a_failing_status()
    {
        using var shell = new ShellHarness();
        shell.Cluster.AnswerExec(_ => (0, "Ship landed\n", ""));
        var (status, output, _) = await shell.RunAsync("kubectl exec tiefighter -- curl -s -XPOST deathstar.default.svc.cluster.local/v1/request-landing");
        Assert.Equal((0, "Ship landed\n"), (status, output));
        var exec = Assert.Single(shell.Cluster.Execs);
        Assert.Equal(("default", "tiefighter"), (exec.Namespace, exec.Pod));
        Assert.Equal(["curl", "-s", "-XPOST", "deathstar.default.svc.cluster.local/v1/request-landing"], exec.Command);

        shell.Cluster.OnExec = (_, _, _) => Task.FromResult(28);
        Assert.Equal((28, "", "command terminated with exit code 28\n"), await shell.RunAsync("kubectl exec xwing -- curl --connect-timeout 3 deathstar"));
    }

    [Fact]
    public async Task Exec_into_a_deployment_picks_its_first_pod_and_passes_stdin()
    {
        using var shell = new ShellHarness();
        string? stdin = null;
        shell.Cluster.OnExec = async (request, streams, ct) =>
        {
            stdin = await new StreamReader(streams.StandardInput!, Encoding.UTF8).ReadToEndAsync(ct);
            return 0;
        };
        await shell.RunAsync("echo hello | kubectl exec -i deploy/deathstar -- cat");
        Assert.Equal("deathstar-54c4d4bdf9-fwhtv", shell.Cluster.Execs[0].Pod);
        Assert.Equal("hello\n", stdin);
    }

    [Fact]
    public async Task Exec_errors_match_kubectl()
    {
        using var shell = new ShellHarness();
        Assert.Equal((1, "", "Error from server (NotFound): pods \"ywing\" not found\n"), await shell.RunAsync("kubectl exec ywing -- ls"));
        Assert.Equal((1, "", "error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\n"), await shell.RunAsync("kubectl exec xwing ls"));
        // A script or solution run has no terminal to hand over; piped input with -it runs without one, as kubectl.
        Assert.StartsWith("error: interactive sessions (-it) need the lab terminal", (await shell.RunAsync("kubectl exec -it xwing -- sh")).Err);
        Assert.Equal((0, "piped\n", "Unable to use a TTY - input is not a terminal or the right kind of file\n"), await shell.RunAsync("echo piped | kubectl exec -it xwing -- cat"));
        Assert.False(shell.Cluster.Execs[^1].Tty);
    }

    [Fact]
    public async Task Exec_in_the_cilium_agent_routes_to_cilium_dbg_and_never_invents_data()
    {
        using var shell = new ShellHarness();
        var (status, output, err) = await shell.RunAsync("kubectl -n kube-system exec ds/cilium -- cilium-dbg endpoint list");
        Assert.Equal(1, status);
        Assert.Equal("", output);
        Assert.Equal("not available in this cluster yet: cilium-dbg endpoint list (endpoints with policy enforcement, identity, labels, IPs)\ncommand terminated with exit code 1\n", err);
        Assert.Empty(shell.Cluster.Execs);
        Assert.StartsWith("Error: unknown command \"endpoint frob\" for \"cilium-dbg\"", (await shell.RunAsync("kubectl -n kube-system exec ds/cilium -- cilium-dbg endpoint frob")).Err);
        Assert.StartsWith("error: the lab's Cilium agent runs cilium-dbg and hubble; \"bash\" is not available there", (await shell.RunAsync("kubectl -n kube-system exec ds/cilium -- bash")).Err);
    }

    [Fact]
    public async Task Hubble_parses_its_flags()
    {
        using var shell = new ShellHarness();
        Assert.Equal((1, "", "not available in this cluster yet: hubble observe (flows)\n"), await shell.RunAsync("hubble observe --pod deathstar --verdict DROPPED"));
        Assert.Equal((1, "", "Error: unknown flag: --colour\n"), await shell.RunAsync("hubble observe --colour"));
        Assert.Equal((1, "", "Error: flag needs an argument: --pod\n"), await shell.RunAsync("hubble observe --pod"));
    }

    [Fact]
    public async Task Logs_pass_tail_to_the_cluster()
    {
        using var shell = new ShellHarness();
        Assert.Equal((0, "logs of default/xwing tail=5\n", ""), await shell.RunAsync("kubectl logs xwing --tail 5"));
        Assert.Equal("logs of default/deathstar-54c4d4bdf9-fwhtv tail=all\n", (await shell.RunAsync("kubectl logs deploy/deathstar")).Out);
    }

    [Fact]
    public async Task Label_adds_overwrites_and_removes()
    {
        using var shell = new ShellHarness();
        Assert.Equal((0, "pod/xwing labeled\n", ""), await shell.RunAsync("kubectl label pod xwing rank=leader"));
        var labels = JsonNode.Parse(shell.Cluster.Applied[0].Manifest.Text)!["metadata"]!["labels"]!.AsObject();
        Assert.Equal("leader", (string?)labels["rank"]);
        Assert.False(JsonNode.Parse(shell.Cluster.Applied[0].Manifest.Text)!.AsObject().ContainsKey("status"));

        Assert.Equal((1, "", "error: 'org' already has a value (alliance), and --overwrite is false\n"), await shell.RunAsync("kubectl label pod/xwing org=empire"));
        Assert.Equal((0, "pod/xwing labeled\n", ""), await shell.RunAsync("kubectl label pod/xwing org=empire --overwrite"));
        Assert.Equal((0, "pod/xwing labeled\n", ""), await shell.RunAsync("kubectl label pod xwing org-"));
        Assert.False(JsonNode.Parse(shell.Cluster.Applied[^1].Manifest.Text)!["metadata"]!["labels"]!.AsObject().ContainsKey("org"));
        Assert.Equal((1, "", "error: invalid label spec: bad key=x\n"), await shell.RunAsync("kubectl label pod xwing 'bad key=x'"));
    }

    [Fact]
    public async Task Scale_and_run_build_the_right_objects()
    {
        using var shell = new ShellHarness();
        Assert.Equal((0, "deployment.apps/deathstar scaled\n", ""), await shell.RunAsync("kubectl scale deploy deathstar --replicas=3"));
        Assert.Equal(3, (int)JsonNode.Parse(shell.Cluster.Applied[0].Manifest.Text)!["spec"]!["replicas"]!);
        Assert.Equal((1, "", "error: required flag(s) \"replicas\" not set\n"), await shell.RunAsync("kubectl scale deploy/deathstar"));

        Assert.Equal((0, "pod/curl created\n", ""), await shell.RunAsync("kubectl run curl --image=curlimages/curl -- sleep 3600"));
        var pod = JsonNode.Parse(shell.Cluster.Applied[^1].Manifest.Text)!;
        Assert.Equal("curl", (string?)pod["metadata"]!["labels"]!["run"]);
        Assert.Equal("""["sleep","3600"]""", pod["spec"]!["containers"]![0]!["args"]!.ToJsonString());
        Assert.Equal(ApplyMode.Create, shell.Cluster.Applied[^1].Mode);
    }

    [Fact]
    public async Task Describe_pod_aligns_fields_like_kubectl()
    {
        using var shell = new ShellHarness();
        var (status, output, _) = await shell.RunAsync("kubectl describe pod xwing");
        Assert.Equal(0, status);
        Assert.StartsWith(
            """
            Name:             xwing
            Namespace:        default
            Priority:         0
            Service Account:  default
            Node:             <none>
            Start Time:       Fri, 20 Nov 2026 11:00:00 +0000
            Labels:           app.kubernetes.io/name=xwing
                              class=xwing
                              org=alliance
            Annotations:      <none>
            Status:           Running
            IP:               10.0.0.30
            IPs:
              IP:  10.0.0.30
            Containers:
              spaceship:
                Container ID:   labsite://default/xwing/spaceship
                Image:          quay.io/cilium/json-mock:v1.3.8@sha256:5aad04835eda9025fe4561ad31be77fd55309af8158ca8663a72f6abb78c2603
            """, output);
        // Conditions through Events form one tabwriter block: its widest cell, "PodReadyToStartContainers", sets the column (25 + 2).
        Assert.EndsWith(
            "Conditions:\n  Type                       Status\n  PodReadyToStartContainers  True \n  Initialized                True \n  Ready                      True \n"
            + "  ContainersReady            True \n  PodScheduled               True \nVolumes:                     <none>\nQoS Class:                   BestEffort\n"
            + "Node-Selectors:              <none>\nTolerations:                 <none>\nEvents:                      <none>\n", output);
    }

    [Fact]
    public async Task Explain_prints_kind_and_fields()
    {
        using var shell = new ShellHarness();
        var output = (await shell.RunAsync("kubectl explain cnp.spec")).Out;
        Assert.StartsWith("GROUP:      cilium.io\nKIND:       CiliumNetworkPolicy\nVERSION:    v2\n\nFIELD: spec <Object>\n", output);
        Assert.Contains("  endpointSelector\t<Object>\n", output);
        Assert.Equal((1, "", "error: field \"nope\" does not exist\n"), await shell.RunAsync("kubectl explain pod.nope"));
    }

    [Fact]
    public async Task Without_a_cluster_kubectl_says_so()
    {
        using var shell = new ShellHarness();
        var session = new LabSite.Shell.ShellSession(shell.Folder, null, new LabSite.Shell.ProcessToolRunner());
        var err = new StringWriter();
        var status = await new LabSite.Shell.ShellInterpreter(session).RunAsync("kubectl get pods", new StringWriter(), err, CancellationToken.None);
        Assert.Equal((1, "error: this lab has no cluster running yet; start the lab, then try again\n"), (status, err.ToString()));
    }
}
