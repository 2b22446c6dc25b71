using LabSite.Shell.Tests.Support;
using LabSite.Testing;

namespace LabSite.Shell.Tests.Kubectl;

public class KubectlWaitTests
{
    [Fact]
    public async Task Ready_pods_meet_the_condition_one_line_each()
    {
        using var shell = new ShellHarness();
        var result = await shell.RunAsync("kubectl wait --for=condition=Ready pod/tiefighter pod/xwing --timeout=5s");
        Assert.Equal((0, "pod/tiefighter condition met\npod/xwing condition met\n", ""), result);
    }

    [Fact]
    public async Task All_pods_of_a_kind_and_a_label_selector_are_waited_for()
    {
        using var shell = new ShellHarness();
        var all = await shell.RunAsync("kubectl wait --for=condition=ready pod --all --timeout=5s");
        Assert.Equal(0, all.Status);
        Assert.Equal(4, all.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var selected = await shell.RunAsync("kubectl wait --for=condition=Ready pods -l class=xwing");
        Assert.Equal((0, "pod/xwing condition met\n"), (selected.Status, selected.Out));
    }

    [Fact]
    public async Task A_deployment_with_all_replicas_available_is_Available()
    {
        using var shell = new ShellHarness();
        var result = await shell.RunAsync("kubectl wait --for=condition=Available deployment/deathstar --timeout=1s");
        Assert.Equal((0, "deployment.apps/deathstar condition met\n"), (result.Status, result.Out));
    }

    [Fact]
    public async Task A_pod_that_never_becomes_ready_times_out_with_kubectls_message()
    {
        var cluster = StarWarsObjects.Cluster();
        cluster.AddPod("slow", new Dictionary<string, string> { ["run"] = "slow" }, "10.0.0.9", running: false);
        using var shell = new ShellHarness(cluster);
        var result = await shell.RunAsync("kubectl wait --for=condition=Ready pod/slow --timeout=0");
        Assert.Equal((1, "", "error: timed out waiting for the condition on pods/slow\n"), result);
    }

    [Theory]
    [InlineData("kubectl wait pod/xwing", "error: --for must be set\n")]
    [InlineData("kubectl wait --for=jsonpath=x pod/xwing", "error: unrecognized condition: \"jsonpath=x\" (the lab shell waits for condition=NAME or delete)\n")]
    [InlineData("kubectl wait --for=condition=Ready pod", "error: resource(s) were provided, but no name was specified\n")]
    [InlineData("kubectl wait --for=condition=Ready pod/nope --timeout=1s", "Error from server (NotFound): pods \"nope\" not found\n")]
    [InlineData("kubectl wait --for=condition=Ready pod/xwing --timeout=soon", "error: invalid argument \"soon\" for \"--timeout\" flag: time: invalid duration \"soon\"\n")]
    public async Task Bad_wait_lines_say_what_is_wrong(string line, string error)
    {
        using var shell = new ShellHarness();
        var result = await shell.RunAsync(line);
        Assert.Equal((1, error), (result.Status, result.Err));
    }

    [Fact]
    public async Task True_and_false_set_the_status_for_or_lists()
    {
        using var shell = new ShellHarness();
        var or = await shell.RunAsync("false || echo ok");
        Assert.Equal((0, "ok\n"), (or.Status, or.Out));
        Assert.Equal(0, (await shell.RunAsync("true")).Status);
        Assert.Equal(1, (await shell.RunAsync("false")).Status);
    }
}
