using System.CommandLine;
using LabSite.Testing;

namespace LabSite.Cli.Tests;

/// <summary>The `labsite cluster` verbs end to end: parse, talk to a real agent (in-memory backend), print.</summary>
public sealed class ClusterCommandsTests(AgentFixture agent) : IClassFixture<AgentFixture>
{
    private async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        // The agent options go right after "cluster": after "--" they would belong to the exec'd program.
        var code = await LabSiteCommandLine.Create().Parse([args[0], "--socket", agent.SocketPath, "--no-autostart", .. args[1..]])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Up_apply_get_exec_down_as_a_user_types_them()
    {
        var up = await Run("cluster", "up", "cli-flow", "--lab", "star-wars");
        Assert.Equal((0, "cluster/cli-flow created (fake)\n"), (up.Code, up.Out));
        Assert.Equal("[1/2] store: object store ready\n[2/2] manifests: manifests applied\n", up.Err);

        var apply = await Run("cluster", "apply", "cli-flow", "-f", RepositoryPaths.StarWarsManifest("http-sw-app.yaml"));
        Assert.Equal((0, "service/deathstar created\ndeployment.apps/deathstar created\npod/tiefighter created\npod/xwing created\n"), (apply.Code, apply.Out));

        // cluster get is the real kubectl, run in the lab (ClusterCliPrivilegedTests); the in-memory backend has no API for it.
        var get = await Run("cluster", "get", "cli-flow", "pods");
        Assert.Equal(1, get.Code);
        Assert.Contains("no in-cluster Kubernetes API", get.Err);

        var exec = await Run("cluster", "exec", "cli-flow", "tiefighter", "--", "echo", "Ship", "landed");
        Assert.Equal((0, "Ship landed\n"), (exec.Code, exec.Out));

        var down = await Run("cluster", "down", "cli-flow");
        Assert.Equal((0, "cluster/cli-flow deleted\n"), (down.Code, down.Out));
    }

    [Fact]
    public async Task Exec_passes_the_exit_code_through_and_says_so_like_kubectl()
    {
        await Run("cluster", "up", "cli-exit");
        await Run("cluster", "apply", "cli-exit", "-f", RepositoryPaths.StarWarsManifest("http-sw-app.yaml"));

        var result = await Run("cluster", "exec", "cli-exit", "xwing", "--", "exit", "28");

        Assert.Equal((28, "command terminated with exit code 28\n"), (result.Code, result.Err));
    }

    [Fact]
    public async Task Apply_errors_go_to_stderr_with_file_and_line_and_exit_1()
    {
        await Run("cluster", "up", "cli-bad");
        var file = Path.Combine(Path.GetTempPath(), $"labsite-bad-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n  - name: c\n");
        try
        {
            var result = await Run("cluster", "apply", "cli-bad", "-f", file);
            Assert.Equal((1, ""), (result.Code, result.Out));
            Assert.Equal("The Pod \"x\" is invalid: spec.containers[0].image: Required value at line 7\n", result.Err);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Server_warnings_go_to_stderr_as_kubectl_prints_them_and_the_apply_succeeds()
    {
        await Run("cluster", "up", "cli-warn");
        var file = Path.Combine(Path.GetTempPath(), $"labsite-warn-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: outside}
            spec:
              podSelector: {}
              egress: [{to: [{ipBlock: {cidr: 10.1.0.2/4}}]}]
            """);
        try
        {
            var result = await Run("cluster", "apply", "cli-warn", "-f", file);
            Assert.Equal((0, "networkpolicy.networking.k8s.io/outside created\n"), (result.Code, result.Out));
            Assert.Equal(
                "Warning: spec.egress[0].to[0].ipBlock.cidr: CIDR value \"10.1.0.2/4\" is ambiguous in this context (should be \"0.0.0.0/4\" or \"10.1.0.2/32\"?)\n",
                result.Err);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Errors_name_the_command_and_the_problem()
    {
        var missing = await Run("cluster", "get", "no-such", "pods");
        Assert.Equal((1, "labsite cluster get: cluster \"no-such\" not found (see `labsite cluster list`)\n"), (missing.Code, missing.Err));

        // A cluster whose backend does not inspect, so `flows` has nothing to show.
        await Run("cluster", "up", "cli-errors", "--lab", InMemoryClusterBackend.NoInspection);
        var path = await Run("cluster", "apply", "cli-errors", "-f", "/nonexistent/x.yaml");
        Assert.Equal("labsite cluster apply: the path \"/nonexistent/x.yaml\" does not exist\n", path.Err);
        var flows = await Run("cluster", "flows", "cli-errors", "--last", "5");
        Assert.Equal(1, flows.Code);
        Assert.StartsWith("labsite cluster flows: cluster \"cli-errors\"", flows.Err);
        Assert.Contains("offers no inspection", flows.Err);
    }

    [Fact]
    public async Task Without_an_agent_and_autostart_off_it_says_how_to_start_one()
    {
        var error = new StringWriter();
        var code = await LabSiteCommandLine.Create().Parse(["cluster", "list", "--socket", "/tmp/labsite-none.sock", "--no-autostart"])
            .InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = error });
        Assert.Equal(1, code);
        Assert.StartsWith("labsite cluster list: cannot reach the lab agent at /tmp/labsite-none.sock: ", error.ToString());
        Assert.Contains("(start one with `labsite agent --socket /tmp/labsite-none.sock`)", error.ToString());
    }

    [Fact]
    public async Task List_and_gc_print_tables_and_counts()
    {
        await Run("cluster", "up", "cli-list", "--lab", "l1");
        var list = await Run("cluster", "list");
        Assert.Matches(@"(?m)^NAME\s+BACKEND\s+LAB\s+PODS\s+AGE$", list.Out);
        Assert.Matches(@"(?m)^cli-list\s+fake\s+l1\s+0\s+\d+s$", list.Out);

        var gc = await Run("cluster", "gc");
        Assert.Equal("nothing to collect\n", gc.Out);
    }

    [Fact]
    public void Exec_without_a_command_is_a_parse_error()
    {
        var parsed = LabSiteCommandLine.Create().Parse(["cluster", "exec", "c1", "xwing"]);
        Assert.NotEmpty(parsed.Errors);
        var withDashes = LabSiteCommandLine.Create().Parse(["cluster", "exec", "c1", "xwing", "--", "curl", "-s", "-XPOST", "deathstar/v1/request-landing"]);
        Assert.Empty(withDashes.Errors);
        Assert.Equal(["curl", "-s", "-XPOST", "deathstar/v1/request-landing"], withDashes.GetValue<string[]>("command")!);
    }
}
