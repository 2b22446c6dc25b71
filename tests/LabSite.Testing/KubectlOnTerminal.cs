using System.Diagnostics;
using System.Text;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Exec;

namespace LabSite.Testing;

/// <summary>
/// The real kubectl on a pseudo-terminal of its own (its controlling terminal, through <c>setsid -c</c>), as a user
/// at a terminal runs <c>kubectl exec -it</c>: tests type into it, read what it shows, and resize its window (the
/// kernel sends kubectl SIGWINCH, and kubectl passes the size on). Root is not needed; the pty is the backend's own.
/// </summary>
public sealed class KubectlOnTerminal : IAsyncDisposable
{
    private readonly PseudoTerminal _terminal;
    private readonly Process _process;
    private readonly StringBuilder _screen = new();
    private readonly Task _reading;

    private KubectlOnTerminal(PseudoTerminal terminal, Process process)
    {
        _terminal = terminal;
        _process = process;
        _reading = ReadAsync();
    }

    public static KubectlOnTerminal Start(TerminalSize size, params string[] args)
    {
        if (!File.Exists(RealKubectl.Path))
        {
            throw new FileNotFoundException($"the real kubectl is missing at {RealKubectl.Path}: run scripts/setup.sh (as root) to install it");
        }
        var terminal = PseudoTerminal.Open(size);
        // sh opens the terminal as kubectl's stdin, stdout and stderr; setsid -c makes it the controlling terminal.
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (var arg in (string[])["-c", "exec setsid -w -c \"$0\" \"$@\" <\"$TERMINAL\" >\"$TERMINAL\" 2>&1", RealKubectl.Path, .. args])
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["TERMINAL"] = terminal.SlavePath;
        start.Environment["HOME"] = Path.GetTempPath();
        start.Environment["TERM"] = "xterm";
        start.Environment.Remove("KUBECONFIG");
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start kubectl on a terminal");
        return new KubectlOnTerminal(terminal, process);
    }

    /// <summary>Everything kubectl has shown so far.</summary>
    public string Screen
    {
        get
        {
            lock (_screen)
            {
                return _screen.ToString();
            }
        }
    }

    public async Task TypeAsync(string text) => await _terminal.Input.WriteAsync(Encoding.UTF8.GetBytes(text));

    public void Resize(TerminalSize size) => _terminal.Resize(size);

    /// <summary>Waits until <paramref name="text"/> shows, at most <paramref name="seconds"/>; fails with the screen otherwise.</summary>
    public async Task WaitForAsync(string text, int seconds = 60)
    {
        for (var waited = 0; waited < seconds * 10; waited++)
        {
            if (Screen.Contains(text, StringComparison.Ordinal))
            {
                return;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"\"{text}\" did not show on kubectl's terminal; it shows:\n{Screen}");
    }

    /// <summary>kubectl's exit code, once it has ended (at most <paramref name="seconds"/>).</summary>
    public async Task<int> ExitCodeAsync(int seconds = 60)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        await _process.WaitForExitAsync(limit.Token);
        return _process.ExitCode;
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = await _terminal.Output.ReadAsync(buffer)) > 0)
            {
                lock (_screen)
                {
                    _screen.Append(Encoding.UTF8.GetString(buffer, 0, n));
                }
            }
        }
        catch (IOException)
        {
            // EIO: everyone let go of the terminal.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        _terminal.ReleaseSlave();
        _terminal.Dispose();
        await _reading.ContinueWith(_ => { }, TaskScheduler.Default);
        _process.Dispose();
    }
}
