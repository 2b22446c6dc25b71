using System.CommandLine;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
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

    /// <summary>Creates cluster e2e with the Star Wars demo and waits (bounded) until its four pods run.</summary>
    private async Task UpAsync()
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
    }

    [Fact]
    public async Task Up_with_the_demo_then_land_then_down()
    {
        await UpAsync();

        // cluster get is the real kubectl get, run in the lab: kubectl's columns, flags and errors.
        var get = await Run("cluster", "get", "e2e", "pods", "-l", "class=xwing");
        Assert.Equal(0, get.Code);
        var lines = get.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^NAME\s{4}READY\s{3}STATUS\s{4}RESTARTS\s{3}AGE$", lines[0]);
        Assert.Matches(@"^xwing\s{3}1/1\s{5}Running\s{3}0\s{10}\S+$", lines[1]);
        var wide = await Run("cluster", "get", "e2e", "pods", "-l", "class=xwing", "-o", "wide", "--show-labels");
        Assert.Matches(@"^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES\s+LABELS\n", wide.Out);
        Assert.Matches(@"\nxwing\s+1/1\s+Running\s+0\s+\S+\s+\d+\.\d+\.\d+\.\d+\s+\S+\s+<none>\s+<none>\s+\S*class=xwing\S*\n$", wide.Out);
        var kind = await Run("cluster", "get", "e2e", "foos");
        Assert.Equal((1, "error: the server doesn't have a resource type \"foos\"\n"), (kind.Code, kind.Err));
        var empty = await Run("cluster", "get", "e2e", "cnp");
        Assert.Equal((0, "", "No resources found in default namespace.\n"), (empty.Code, empty.Out, empty.Err));

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

    [Fact]
    public async Task Exec_dash_i_passes_piped_stdin_and_the_exit_code_from_a_real_cli_process()
    {
        await UpAsync();
        using var cli = StartCli(CliProcess("cluster", "exec", "-i", "e2e", "tiefighter", "--", "sh", "-c", "read line; echo \"got: $line\"; exit 3"));
        await cli.StandardInput.WriteAsync("hello from stdin\n");
        cli.StandardInput.Close();
        var stdout = cli.StandardOutput.ReadToEndAsync();
        var stderr = cli.StandardError.ReadToEndAsync();
        await cli.WaitForExitAsync();
        Assert.Equal((3, "got: hello from stdin\n", "command terminated with exit code 3\n"), (cli.ExitCode, await stdout, await stderr));

        // The issue's probe: echo hello | labsite cluster exec -i LAB POD -- nc -u -w 2 IP PORT reaches a UDP listener in another pod.
        var pods = JsonNode.Parse((await Run("cluster", "get", "e2e", "pods", "-o", "json")).Out)!["items"]!.AsArray();
        var tiefighterIp = (string)pods.First(p => (string?)p!["metadata"]!["name"] == "tiefighter")!["status"]!["podIP"]!;
        var listening = Run("cluster", "exec", "e2e", "tiefighter", "--timeout", "20", "--", "nc", "-u", "-l", "-W", "1", "-p", "5005");
        await Task.Delay(1000);
        using var nc = StartCli(CliProcess("cluster", "exec", "-i", "e2e", "xwing", "--", "nc", "-u", "-w", "2", tiefighterIp, "5005"));
        await nc.StandardInput.WriteAsync("hello\n");
        nc.StandardInput.Close();
        await nc.WaitForExitAsync();
        Assert.Equal(0, nc.ExitCode);
        Assert.Equal((0, "hello\n"), ((await listening).Code, (await listening).Out));

        // More than the cap is refused before anything runs, naming the limit.
        using var big = StartCli(CliProcess("cluster", "exec", "-i", "e2e", "tiefighter", "--", "sh", "-c", "cat >/dev/null; echo ran"));
        var bigOut = big.StandardOutput.ReadToEndAsync();
        var bigErr = big.StandardError.ReadToEndAsync();
        try
        {
            await big.StandardInput.BaseStream.WriteAsync(new byte[ExecLimits.MaxStdinBytes + 1]);
            big.StandardInput.Close();
        }
        catch (IOException)
        {
            // The CLI stopped reading at the cap.
        }
        await big.WaitForExitAsync();
        Assert.Equal((1, ""), (big.ExitCode, await bigOut));
        Assert.Contains("stdin is larger than 1 MiB", await bigErr);
    }

    [Fact]
    public async Task Exec_dash_it_runs_an_interactive_shell_on_a_real_terminal()
    {
        await UpAsync();
        var go = Path.Combine(_dir, "resize-now");
        // script(1) gives the CLI a real pseudo-terminal (30x100); a background job resizes it to 40x120 once told to,
        // which sends the CLI SIGWINCH as a window manager would. The job names /dev/tty: a background job of a
        // non-interactive sh gets /dev/null as stdin (POSIX), and stty acts on its stdin.
        var cli = string.Join(' ', CliProcess("cluster", "exec", "-it", "e2e", "tiefighter", "--", "sh").Select(Quote));
        var inner = $"stty cols 100 rows 30; (while [ ! -e {Quote(go)} ]; do sleep 0.05; done; stty cols 120 rows 40 </dev/tty) & exec {cli}";
        var start = new ProcessStartInfo("script") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in (string[])["-qfec", inner, "/dev/null"])
        {
            start.ArgumentList.Add(a);
        }
        using var script = Process.Start(start)!;
        var screen = new StringBuilder();
        var reading = Task.Run(async () =>
        {
            var buffer = new char[4096];
            int n;
            while ((n = await script.StandardOutput.ReadAsync(buffer)) > 0)
            {
                lock (screen)
                {
                    screen.Append(buffer, 0, n);
                }
            }
        });
        async Task Type(string keys)
        {
            await script.StandardInput.WriteAsync(keys);
            await script.StandardInput.FlushAsync();
        }
        async Task<bool> Shows(string text, string? retype = null)
        {
            for (var i = 0; i < 300; i++)
            {
                lock (screen)
                {
                    if (screen.ToString().Contains(text, StringComparison.Ordinal))
                    {
                        return true;
                    }
                }
                if (retype is not null && i % 20 == 0)
                {
                    await Type(retype);
                }
                await Task.Delay(100);
            }
            return false;
        }

        try
        {
            // The window size travelled with the session; the pod's shell is on a terminal of its own.
            await Type("echo size=$(stty size) tty=$(tty)\r");
            Assert.True(await Shows("size=30 100 tty=/dev/"), $"screen: {screen}");
            File.WriteAllText(go, "");
            Assert.True(await Shows("size2=40 120", "echo size2=$(stty size)\r"), $"screen: {screen}");

            // Ctrl-C reaches the pod's foreground program (raw mode: the CLI does not take it), and the shell lives on.
            await Type("echo started; sleep 31; echo wo''ke\r");
            Assert.True(await Shows("started\r\n"), $"screen: {screen}");
            await ForegroundProgram.WaitAsync(["sleep", "31"]);
            await Type("\u0003");
            Assert.True(await Shows("after-2", "echo after-$((1+1))\r"), $"screen: {screen}");
            Assert.DoesNotContain("woke", screen.ToString());

            // exit N ends the session with N, the CLI's own exit code.
            await Type("exit 7\r");
            await script.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(7, script.ExitCode);
            await reading;
            Assert.Contains("command terminated with exit code 7", screen.ToString());
        }
        finally
        {
            if (!script.HasExited)
            {
                script.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task Exec_dash_it_ends_with_ctrl_d_at_the_prompt()
    {
        await UpAsync();
        var cli = string.Join(' ', CliProcess("cluster", "exec", "-it", "e2e", "xwing", "--", "sh").Select(Quote));
        var start = new ProcessStartInfo("script") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in (string[])["-qfec", cli, "/dev/null"])
        {
            start.ArgumentList.Add(a);
        }
        using var script = Process.Start(start)!;
        var screen = new StringBuilder();
        var reading = Task.Run(async () =>
        {
            var buffer = new char[4096];
            int n;
            while ((n = await script.StandardOutput.ReadAsync(buffer)) > 0)
            {
                lock (screen)
                {
                    screen.Append(buffer, 0, n);
                }
            }
        });
        await script.StandardInput.WriteAsync("echo mark-$((6*7))\r");
        await script.StandardInput.FlushAsync();
        // Only the pod's shell prints mark-42, so the CLI is in raw mode by then: a Ctrl-D typed earlier would meet the
        // local terminal still in cooked mode (its EOF, not a key for the pod), as with kubectl.
        bool Shown()
        {
            lock (screen)
            {
                return screen.ToString().Contains("mark-42", StringComparison.Ordinal);
            }
        }
        for (var i = 0; i < 600 && !Shown(); i++)
        {
            await Task.Delay(100);
        }
        await script.StandardInput.WriteAsync("\u0004");
        await script.StandardInput.FlushAsync();
        await script.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, script.ExitCode);
        await reading;
        Assert.Contains("mark-42", screen.ToString());
    }

    /// <summary>`dotnet labsite.dll ARGS` against this test's agent (the CLI as a user runs it, in its own process).</summary>
    private string[] CliProcess(params string[] args) =>
        ["dotnet", typeof(LabSiteCommandLine).Assembly.Location, args[0], "--socket", Socket, "--no-autostart", .. args[1..]];

    private static Process StartCli(string[] argv)
    {
        var start = new ProcessStartInfo(argv[0])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in argv[1..])
        {
            start.ArgumentList.Add(a);
        }
        return Process.Start(start)!;
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";
}
