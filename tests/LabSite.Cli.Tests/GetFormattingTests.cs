using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Shell;
using LabSite.Testing;

namespace LabSite.Cli.Tests;

/// <summary>What `cluster get` and `cluster list` print, without an agent.</summary>
public sealed class GetFormattingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("labsite-get-").FullName;

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static InMemoryCluster Cluster()
    {
        var cluster = StarWarsObjects.Cluster();
        cluster.Clock.Now = DateTimeOffset.Parse("2026-11-22T12:00:00Z");
        cluster.Apply(StarWarsObjects.L3L4Policy);
        cluster.Clock.Now = StarWarsObjects.Now;
        return cluster;
    }

    private static async Task<(int Code, string Out, string Err)> ClusterGet(params string[] getArgs)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await ClusterCommands.GetAsync(Cluster(), getArgs, output, error, new FixedClock(StarWarsObjects.Now), CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    private async Task<(int Code, string Out, string Err)> ShellLine(string line)
    {
        var session = new ShellSession(new WorkingFolder(_folder), Cluster(), new ProcessToolRunner(), new FixedClock(StarWarsObjects.Now));
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await new ShellInterpreter(session).RunAsync(line, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("pods")]
    [InlineData("po -o wide --show-labels -l org=empire")]
    [InlineData("svc -A")]
    [InlineData("cnp")]
    [InlineData("all")]
    [InlineData("deploy,svc --no-headers")]
    [InlineData("deploy -o name")]
    [InlineData("pod xwing -o json")]
    [InlineData("svc -o yaml")]
    [InlineData("ns")]
    [InlineData("pod ghost")]
    [InlineData("ccnp")]
    [InlineData("starships")]
    [InlineData("pods -o toml")]
    public async Task Cluster_get_prints_what_the_lab_shells_kubectl_get_prints(string args)
    {
        var expected = await ShellLine($"kubectl get {args}");
        Assert.Equal(expected, await ClusterGet(args.Split(' ')));
    }

    [Fact]
    public async Task Cilium_policies_show_their_crd_columns()
    {
        Assert.Equal((0, "NAME    AGE    VALID\nrule1   107s   True\n", ""), await ClusterGet("cnp"));
    }

    [Fact]
    public async Task Json_of_one_named_object_is_the_object_and_of_several_a_List()
    {
        var one = JsonNode.Parse((await ClusterGet("pod", "xwing", "-o", "json")).Out)!;
        Assert.Equal(("Pod", "xwing"), ((string?)one["kind"], (string?)one["metadata"]?["name"]));
        var list = JsonNode.Parse((await ClusterGet("pods", "-o", "json")).Out)!;
        Assert.Equal(("List", 4), ((string?)list["kind"], list["items"]!.AsArray().Count));
    }

    [Theory]
    [InlineData("pods", "No resources found in rebels namespace.", "-n", "rebels")]
    [InlineData("cm", "No resources found", "-A")]
    [InlineData("netpol", "No resources found in default namespace.")]
    [InlineData("ccnp", "No resources found")]
    public async Task Empty_results_print_kubectls_notice_and_succeed(string kind, string notice, params string[] flags)
    {
        var (code, output, error) = await ClusterGet([kind, .. flags]);
        Assert.Equal((0, "", notice + "\n"), (code, output, error));
    }

    [Fact]
    public async Task A_missing_object_or_kind_is_kubectls_error_and_exit_1()
    {
        Assert.Equal((1, "", "Error from server (NotFound): deployments.apps \"ghost\" not found\n"), await ClusterGet("deploy", "ghost"));
        Assert.Equal((1, "", "error: the server doesn't have a resource type \"foos\"\n"), await ClusterGet("foos"));
    }

    [Fact]
    public void Cluster_list_is_a_table()
    {
        var text = ClusterCommands.FormatList([new ClusterSummary("sw", "netns", null, DateTimeOffset.UnixEpoch, 4)], DateTimeOffset.UnixEpoch.AddSeconds(30));
        Assert.Equal("NAME   BACKEND   LAB      PODS   AGE\nsw     netns     <none>   4      30s\n", text);
    }
}
