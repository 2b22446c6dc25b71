using System.CommandLine;
using System.Text.Json.Nodes;
using LabSite.Testing;
using Microsoft.AspNetCore.Builder;

namespace LabSite.Cli.Tests;

/// <summary>
/// The whole chain as a user runs it: `labsite cluster ...` → agent API → netns backend → kernel.
/// Root only: a real agent with its own name prefix and roots, so nothing else on the host is touched.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class ClusterCliPrivilegedTests : IAsyncLifetime
{
    private readonly string _prefix = "c" + Guid.NewGuid().ToString("N")[..6];
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "labsite-cli-e2e-" + Guid.NewGuid().ToString("N")[..8]);
    private WebApplication? _agent;

    private string Socket => Path.Combine(_dir, "agent.sock");

    public async Task InitializeAsync()
    {
        _agent = AgentFixture.NetnsAgent(Socket, _prefix);
        await _agent.StartAsync();
        Directory.CreateDirectory(Path.Combine(_dir, "manifests"));
        File.Copy(RepositoryPaths.StarWarsManifest("http-sw-app.yaml"), Path.Combine(_dir, "manifests", "http-sw-app.yaml"));
    }

    public async Task DisposeAsync()
    {
        await Run("cluster", "down", "e2e");
        await _agent!.StopAsync();
        await _agent.DisposeAsync();
        AgentFixture.DeleteNetnsRoots(_prefix);
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await LabSiteCommandLine.Create().Parse([args[0], "--socket", Socket, "--no-autostart", .. args[1..]])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Up_with_the_demo_then_land_then_down()
    {
        var up = await Run("cluster", "up", "e2e", "--lab", "star-wars", "--manifests", Path.Combine(_dir, "manifests"));
        Assert.Equal((0, "cluster/e2e created (netns)\n"), (up.Code, up.Out));

        // Pods start in the background after apply; wait (bounded) until the four run.
        JsonArray items = [];
        for (var i = 0; i < 100; i++)
        {
            items = JsonNode.Parse((await Run("cluster", "get", "e2e", "pods", "-o", "json")).Out)!["items"]!.AsArray();
            if (items.Count == 4 && items.All(p => (string?)p!["status"]!["phase"] == "Running"))
            {
                break;
            }
            await Task.Delay(100);
        }
        Assert.Equal(4, items.Count(p => (string?)p!["status"]!["phase"] == "Running"));

        var landed = await Run("cluster", "exec", "e2e", "tiefighter", "--", "curl", "-s", "-XPOST", "deathstar.default.svc.cluster.local/v1/request-landing");
        Assert.Equal((0, "Ship landed\n"), (landed.Code, landed.Out));
        var failed = await Run("cluster", "exec", "e2e", "xwing", "--", "false");
        Assert.Equal((1, "command terminated with exit code 1\n"), (failed.Code, failed.Err));
        var shell = await Run("cluster", "exec", "e2e", "xwing", "--", "bash", "-c", "id");
        Assert.StartsWith("labsite cluster exec: exec: \"bash\": executable not available in this lab sandbox", shell.Err);

        // The landing above went through the datapath, so the flow ring holds tiefighter -> deathstar:80.
        var flows = await Run("cluster", "flows", "e2e", "--last", "4095", "-o", "json");
        Assert.Equal(0, flows.Code);
        var toDeathstar = flows.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonNode.Parse(line)!["flow"]!)
            .Where(f => (string?)f["source"]?["pod_name"] == "tiefighter" && ((string?)f["destination"]?["pod_name"])?.StartsWith("deathstar-") == true)
            .ToList();
        Assert.Contains(toDeathstar, f => (string?)f["verdict"] == "FORWARDED" && (int?)f["l4"]?["TCP"]?["destination_port"] == 80);
        var compact = await Run("cluster", "flows", "e2e", "--last", "1");
        Assert.Matches(@"^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d\.\d{3}: .+ (FORWARDED|DROPPED) \(.+\)\n$", compact.Out);

        var down = await Run("cluster", "down", "e2e");
        Assert.Equal("cluster/e2e deleted\n", down.Out);
        var list = await Run("cluster", "list");
        Assert.Equal("No clusters found.\n", list.Err);
    }
}
