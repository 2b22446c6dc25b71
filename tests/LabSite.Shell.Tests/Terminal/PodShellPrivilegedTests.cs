using System.Text;
using LabSite.Clusters.Netns;
using LabSite.Shell.Terminal;
using LabSite.Testing;

namespace LabSite.Shell.Tests.Terminal;

/// <summary>
/// <c>kubectl exec -it POD -- sh</c> typed into the lab shell's terminal against a real netns lab: the pod's dash on a
/// real pseudo-terminal takes the terminal, and <c>exit</c> gives it back to the lab shell. The lab is behind a real
/// agent, as the site reaches it (the other kubectl lines are the real kubectl's).
/// </summary>
[Trait("Category", "Privileged")]
public sealed class PodShellPrivilegedTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("labsh-pod-").FullName;
    private readonly StringBuilder _screen = new();
    private NetnsAgentLab _lab = null!;
    private NetnsCluster _cluster = null!;
    private LabShell _shell = null!;

    public async Task InitializeAsync()
    {
        _lab = await NetnsAgentLab.StartAsync("podsh");
        _cluster = _lab.Local;
        foreach (var file in Directory.GetFiles(RepositoryPaths.StarWarsManifests, "*.yaml"))
        {
            File.Copy(file, Path.Combine(_folder, Path.GetFileName(file)));
        }
        _shell = new LabShell(new ShellSession(new WorkingFolder(_folder), _lab.Cluster, new ProcessToolRunner()), text =>
        {
            lock (_screen)
            {
                _screen.Append(text);
            }
        });
        _shell.Start();
        var created = new StringWriter();
        Assert.Equal(0, await new ShellInterpreter(_shell.Session).RunAsync("kubectl create -f http-sw-app.yaml", created, created, CancellationToken.None));
        await _cluster.WaitUntilSettledAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        _shell.Dispose();
        await _lab.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private string Screen
    {
        get
        {
            lock (_screen)
            {
                return _screen.ToString();
            }
        }
    }

    private async Task ShowsAsync(string text, double seconds = 30)
    {
        for (var i = 0; i < seconds * 20 && !Screen.Contains(text, StringComparison.Ordinal); i++)
        {
            await Task.Delay(50);
        }
        Assert.True(Screen.Contains(text, StringComparison.Ordinal), $"screen lacks {text}: {Screen}");
    }

    [Fact]
    public async Task Exec_it_sh_is_the_pods_shell_until_exit()
    {
        await _shell.ResizeAsync(100, 30);
        await _shell.InputAsync("kubectl exec -it tiefighter -- sh\r");
        // dash's prompt comes from the pod's terminal; its tty, window size and hostname are the pod's.
        await _shell.InputAsync("echo size=$(stty size) host=$(hostname) sum=$((6*7))\r");
        await ShowsAsync("size=30 100 host=tiefighter sum=42");

        // The new size travels beside stdin (kubectl's resize channel), so a line typed at once may still see the old
        // size; ask again until the pod's terminal has it.
        await _shell.ResizeAsync(120, 40);
        for (var attempt = 0; attempt < 10 && !Screen.Contains("size2=40 120", StringComparison.Ordinal); attempt++)
        {
            await _shell.InputAsync("echo size2=$(stty size)\r");
            await Task.Delay(500);
        }
        await ShowsAsync("size2=40 120");

        // Ctrl-C reaches the pod's foreground program (SIGINT from its terminal), not the lab shell's kubectl.
        await _shell.InputAsync("echo started; sleep 32; echo wo''ke\r");
        await ShowsAsync("started\r\n");
        await ForegroundProgram.WaitAsync(["sleep", "32"]);
        await _shell.InputAsync("\u0003");
        await _shell.InputAsync("echo after-$((1+1))\r");
        await ShowsAsync("after-2");
        Assert.DoesNotContain("woke", Screen);

        // Real packets from the pod's own network namespace.
        await _shell.InputAsync("curl -s -XPOST deathstar.default.svc.cluster.local/v1/request-landing\r");
        await ShowsAsync("Ship landed");

        await _shell.InputAsync("exit 4\r");
        await ShowsAsync("command terminated with exit code 4\r\n");
        await _shell.WhenIdleAsync();
        Assert.EndsWith("\u001b[1;32mpodsh\u001b[0m$ \u001b[K", Screen);
        await _shell.InputAsync("echo lab-shell-again\r");
        await _shell.WhenIdleAsync();
        await ShowsAsync("\r\nlab-shell-again\r\n");
        Assert.False(_shell.HasExited);
    }

    [Fact]
    public async Task Ctrl_d_at_the_pods_prompt_ends_the_session_with_0()
    {
        await _shell.InputAsync("kubectl exec -it xwing -- sh\r");
        await _shell.InputAsync("echo in-$((2*3))\r");
        await ShowsAsync("in-6");
        await _shell.InputAsync("\u0004");
        await _shell.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.DoesNotContain("command terminated", Screen);
        Assert.False(_shell.HasExited);
        Assert.EndsWith("\u001b[1;32mpodsh\u001b[0m$ \u001b[K", Screen);
    }

    [Fact]
    public async Task Piped_stdin_reaches_the_pods_program()
    {
        var interpreter = new ShellInterpreter(_shell.Session);
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var status = await interpreter.RunAsync("echo hi | kubectl exec -i tiefighter -- sh -c 'cat; echo done'", stdout, stderr, CancellationToken.None);
        Assert.Equal((0, "hi\ndone\n", ""), (status, stdout.ToString(), stderr.ToString()));
    }
}
