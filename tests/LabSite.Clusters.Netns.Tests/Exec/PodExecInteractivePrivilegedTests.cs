using System.IO.Pipelines;
using System.Text;
using LabSite.Clusters.Contract;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.Exec;

/// <summary>Stdin and interactive (TTY) exec against real pods: real packets, a real pseudo-terminal, a real dash.</summary>
[Trait("Category", "Privileged")]
public sealed class PodExecInteractivePrivilegedTests : IAsyncLifetime
{
    private readonly NetnsBackend _backend = new(NetnsTestLabs.Options());
    private NetnsCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        await _backend.StartAsync(CancellationToken.None);
        _cluster = await _backend.CreateAsync(new ClusterRequest("exec-tty"), null, CancellationToken.None);
        await NetnsTestLabs.StartStarWarsAsync(_cluster);
    }

    private bool _destroyed;

    public async Task DisposeAsync()
    {
        if (!_destroyed)
        {
            await _backend.DestroyAsync(_cluster.Name, CancellationToken.None);
        }
        NetnsTestLabs.DeleteRoots(_backend.Options);
    }

    [Fact]
    public async Task StdinPipedThroughNcReachesAUdpListenerInAnotherPod()
    {
        var tiefighter = _cluster.FindPod("default", "tiefighter")!.Ip.ToString();
        var heard = new RecordingStream();
        var listener = _cluster.ExecAsync(new ExecRequest("default", "tiefighter", ["nc", "-u", "-l", "-W", "1", "-p", "5005"], TimeSpan.FromSeconds(15)),
            new ExecStreams(heard, Stream.Null), CancellationToken.None);
        await Task.Delay(500);

        using var stdin = new MemoryStream("hello from xwing\n"u8.ToArray());
        var code = await _cluster.ExecAsync(new ExecRequest("default", "xwing", ["nc", "-u", "-w", "1", tiefighter, "5005"], TimeSpan.FromSeconds(10)),
            new ExecStreams(Stream.Null, Stream.Null, stdin), CancellationToken.None);

        Assert.Equal(0, code);
        Assert.Equal(0, await listener.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal("hello from xwing\n", heard.Text);
    }

    [Fact]
    public async Task StdinOverTheCapIsCutAndSaidSo()
    {
        using var stdin = new MemoryStream(new byte[ExecLimits.MaxStdinBytes + 10]);
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();
        var code = await _cluster.ExecAsync(new ExecRequest("default", "xwing", ["wc", "-c"], TimeSpan.FromSeconds(20)), new ExecStreams(stdout, stderr, stdin), CancellationToken.None);

        Assert.Equal(0, code);
        Assert.Equal($"{ExecLimits.MaxStdinBytes}\n", Encoding.UTF8.GetString(stdout.ToArray()));
        Assert.Equal("labsite: stdin exceeded 1 MiB; the program got only the first 1 MiB\n", Encoding.UTF8.GetString(stderr.ToArray()));
    }

    [Fact]
    public async Task InteractiveShellRunsOnAPseudoTerminalAndReturnsItsExitCode()
    {
        var keys = new Pipe();
        var screen = new RecordingStream();
        var window = new ExecTerminal(new TerminalSize(100, 30));
        var session = _cluster.ExecAsync(new ExecRequest("default", "tiefighter", ["sh"], Tty: true),
            new ExecStreams(screen, Stream.Null, keys.Reader.AsStream(), window), CancellationToken.None);

        await Type(keys, "echo $((6*7))\n");
        await screen.WaitForAsync("42\r\n");
        // A real terminal: the shell's stdin is one, and a resize reaches the shell as SIGWINCH.
        await Type(keys, "test -t 0 && echo on-a-tty; trap 'echo resized' WINCH\n");
        await screen.WaitForAsync("on-a-tty\r\n");
        window.Resize(new TerminalSize(120, 40));
        await Task.Delay(300);
        await Type(keys, "hostname\n");
        await screen.WaitForAsync("tiefighter\r\n");
        Assert.Contains("resized", screen.Text);
        await Type(keys, "exit 3\n");

        Assert.Equal(3, await session.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task CtrlCInterruptsTheForegroundProgramAndCtrlDEndsTheShell()
    {
        var keys = new Pipe();
        var screen = new RecordingStream();
        var session = _cluster.ExecAsync(new ExecRequest("default", "xwing", ["sh"], Tty: true),
            new ExecStreams(screen, Stream.Null, keys.Reader.AsStream(), new ExecTerminal(new TerminalSize(80, 24))), CancellationToken.None);

        // Ctrl-C before the shell has read the line would flush it instead; wait until the list is running.
        await Type(keys, "echo started; sleep 100\n");
        await screen.WaitForAsync("started\r\n");
        await ForegroundProgram.WaitAsync(["sleep", "100"]);
        await Type(keys, "\u0003");
        await Type(keys, "echo status $?\n");
        await screen.WaitForAsync("status 130\r\n");
        await Type(keys, "\u0004");

        Assert.True(0 == await session.WaitAsync(TimeSpan.FromSeconds(20)), screen.Text);
    }

    [Fact]
    public async Task CancellingTheSessionKillsTheShell()
    {
        var keys = new Pipe();
        var screen = new RecordingStream();
        using var cancel = new CancellationTokenSource();
        var session = _cluster.ExecAsync(new ExecRequest("default", "xwing", ["sh"], Tty: true),
            new ExecStreams(screen, Stream.Null, keys.Reader.AsStream(), new ExecTerminal(new TerminalSize(80, 24))), cancel.Token);
        await Type(keys, "echo ready\n");
        await screen.WaitForAsync("ready\r\n");

        await cancel.CancelAsync();

        Assert.NotEqual(0, await session.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task JobControlUnderATerminal_CtrlZStopsAndKillPercentEnds()
    {
        var keys = new Pipe();
        var screen = new RecordingStream();
        var session = _cluster.ExecAsync(new ExecRequest("default", "xwing", ["sh"], Tty: true),
            new ExecStreams(screen, Stream.Null, keys.Reader.AsStream(), new ExecTerminal(new TerminalSize(80, 24))), CancellationToken.None);

        // Background job, wait for it, then a foreground one suspended with Ctrl-Z and killed by job number.
        await Type(keys, "sleep 0.2 & wait; echo waited-$?\n");
        await screen.WaitForAsync("waited-0\r\n");
        await Type(keys, "echo started; sleep 100\n");
        await screen.WaitForAsync("started\r\n");
        await Task.Delay(300);
        await Type(keys, "\u001a");
        await screen.WaitForAsync("Stopped");
        await Type(keys, "kill -9 %1; wait; jobs; echo jobs-done\n");
        await screen.WaitForAsync("jobs-done\r\n");
        // As bash does, dash refuses the first exit while it still counts a stopped job (the kill's SIGCHLD is reported
        // at the next prompt), and a second exit leaves anyway: type it again when told, as a user would.
        await Type(keys, "exit\n");
        var warned = false;
        for (var i = 0; i < 200 && !session.IsCompleted; i++)
        {
            if (!warned && screen.Text.Contains("You have stopped jobs.", StringComparison.Ordinal))
            {
                warned = true;
                await Type(keys, "exit\n");
            }
            await Task.WhenAny(session, Task.Delay(100));
        }

        Assert.True(0 == await session.WaitAsync(TimeSpan.FromSeconds(20)), screen.Text);
    }

    [Fact]
    public async Task DestroyingTheClusterUnderAnOpenSessionLeavesNoProcess()
    {
        var keys = new Pipe();
        var screen = new RecordingStream();
        var session = _cluster.ExecAsync(new ExecRequest("default", "xwing", ["sh"], Tty: true),
            new ExecStreams(screen, Stream.Null, keys.Reader.AsStream(), new ExecTerminal(new TerminalSize(80, 24))), CancellationToken.None);
        // A marker argument no other process on the host has: a background sleep and the shell left at its prompt.
        var marker = 4000 + Random.Shared.Next(1000) + ".5";
        await Type(keys, $"sleep {marker} & echo bg-started\n");
        await screen.WaitForAsync("bg-started\r\n");
        // The shell echoes before its forked child has exec'd sleep: look (bounded) until it has.
        for (var i = 0; i < 100 && ProcessesWithArgument(marker).Count == 0; i++)
        {
            await Task.Delay(100);
        }
        Assert.NotEmpty(ProcessesWithArgument(marker));

        await _backend.DestroyAsync(_cluster.Name, CancellationToken.None);
        _destroyed = true;

        await session.WaitAsync(TimeSpan.FromSeconds(30));
        // Bounded: the kernel reaps killed processes promptly, but not synchronously with kill(2).
        for (var i = 0; i < 50 && ProcessesWithArgument(marker).Count > 0; i++)
        {
            await Task.Delay(100);
        }
        Assert.Empty(ProcessesWithArgument(marker));
    }

    private static List<int> ProcessesWithArgument(string argument) =>
        HostProcesses.All().Where(p => p.Argv.Contains(argument)).Select(p => p.Pid).ToList();

    private static async Task Type(Pipe keys, string text)
    {
        await keys.Writer.WriteAsync(Encoding.UTF8.GetBytes(text));
        await keys.Writer.FlushAsync();
    }
}
