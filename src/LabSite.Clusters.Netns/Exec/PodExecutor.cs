using System.Diagnostics;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Kernel.Interop;

namespace LabSite.Clusters.Netns.Exec;

/// <summary>
/// Runs a validated command through <see cref="SandboxCommand"/>, streaming stdout/stderr as they come,
/// feeding stdin, and returning the program's exit code. Cancellation (Ctrl-C) sends SIGINT, then kills
/// after a grace period; a timeout does the same and returns 124 with a note on stderr, as timeout(1) does.
/// Output beyond <see cref="MaxOutputBytes"/> is dropped and the program killed, so a runaway loop in a pod
/// shell cannot fill the agent's or the browser's memory. Stdin beyond <see cref="ExecLimits.MaxStdinBytes"/> is not
/// passed on (the program sees end of input) and stderr says so. <see cref="RunOnTerminalAsync"/> runs an interactive
/// program on a <see cref="PseudoTerminal"/> instead of pipes.
/// </summary>
internal static class PodExecutor
{
    public const int TimedOutExitCode = 124;
    public const long MaxOutputBytes = 16L * 1024 * 1024;
    private static readonly TimeSpan s_interruptGrace = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(IReadOnlyList<string> argv, ExecStreams streams, TimeSpan timeout, CancellationToken ct)
    {
        var psi = StartInfo(argv);
        using var process = await ProcessLauncher.StartAsync(psi);
        using var timer = new CancellationTokenSource(timeout);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);

        var budget = new OutputBudget(process);
        string?[] ends = [OutputHolders.Of(process.StandardOutput.BaseStream), OutputHolders.Of(process.StandardError.BaseStream)];
        var stdout = budget.CopyAsync(process.StandardOutput.BaseStream, streams.StandardOutput);
        var stderr = budget.CopyAsync(process.StandardError.BaseStream, streams.StandardError);
        var stdinCut = false;
        // Stdin stops with the program: a client that never ends its input (kubectl exec -i at a terminal) must not hold the exec open.
        using var stdinDone = CancellationTokenSource.CreateLinkedTokenSource(either.Token);
        var stdin = FeedStdinAsync(process, streams.StandardInput, () => stdinCut = true, stdinDone.Token);

        try
        {
            await process.WaitForExitAsync(either.Token);
        }
        catch (OperationCanceledException)
        {
            await StopAsync(process);
        }

        await EndOfOutputAsync(Task.WhenAll(stdout, stderr), ends, either.Token);
        await stdinDone.CancelAsync();
        await stdin.ContinueWith(_ => { }, TaskScheduler.Default);
        await streams.StandardOutput.FlushAsync(CancellationToken.None);

        if (stdinCut)
        {
            await NoteAsync(streams.StandardError, $"labsite: stdin exceeded {ExecLimits.MaxStdinBytes / (1024 * 1024)} MiB; the program got only the first {ExecLimits.MaxStdinBytes / (1024 * 1024)} MiB\n");
        }

        if (budget.Exceeded)
        {
            await NoteAsync(streams.StandardError, $"\nlabsite: output exceeded {MaxOutputBytes / (1024 * 1024)} MiB; the rest was dropped and the command stopped\n");
        }

        if (timer.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            await NoteAsync(streams.StandardError, $"labsite: command timed out after {timeout.TotalSeconds:0.#}s and was stopped\n");
            return TimedOutExitCode;
        }

        return process.ExitCode;
    }

    /// <summary>
    /// Runs an interactive program on a fresh pseudo-terminal: what it prints goes to stdout (the terminal merges
    /// stderr), stdin is copied in as typed (no cap: keystrokes, ended by the caller), resizes reach the terminal.
    /// The output cap, the timeout and cancellation (the user went away) apply as for any exec.
    /// </summary>
    public static async Task<int> RunOnTerminalAsync(Func<string, IReadOnlyList<string>> argvFor, ExecStreams streams, TimeSpan timeout, CancellationToken ct)
    {
        var window = streams.Terminal ?? new ExecTerminal(new TerminalSize(80, 24));
        using var terminal = PseudoTerminal.Open(window.Size);
        var argv = argvFor(terminal.SlavePath);
        var psi = StartInfo(argv);
        using var process = await ProcessLauncher.StartAsync(psi);
        process.StandardInput.Close();
        using var timer = new CancellationTokenSource(timeout);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
        using var ended = new CancellationTokenSource();

        var budget = new OutputBudget(process);
        // Before the first stage opens the terminal, its own errors (a missing cgroup) come on the pipes.
        var early = Task.WhenAll(budget.CopyAsync(process.StandardOutput.BaseStream, streams.StandardOutput), budget.CopyAsync(process.StandardError.BaseStream, streams.StandardOutput));
        var output = budget.CopyAsync(terminal.Output, streams.StandardOutput);
        string?[] ends = [OutputHolders.Of(process.StandardOutput.BaseStream), OutputHolders.Of(process.StandardError.BaseStream), terminal.SlavePath];
        var input = CopyKeystrokesAsync(streams.StandardInput, terminal.Input, ended.Token);
        var resizes = FollowResizesAsync(window, terminal, ended.Token);

        try
        {
            await process.WaitForExitAsync(either.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        terminal.ReleaseSlave();
        await EndOfOutputAsync(Task.WhenAll(early, output), ends, either.Token);
        await ended.CancelAsync();
        await Task.WhenAll(input, resizes).ContinueWith(_ => { }, TaskScheduler.Default);
        await streams.StandardOutput.FlushAsync(CancellationToken.None);

        if (budget.Exceeded)
        {
            await streams.StandardOutput.WriteAsync(System.Text.Encoding.UTF8.GetBytes($"\r\nlabsite: output exceeded {MaxOutputBytes / (1024 * 1024)} MiB; the session was stopped\r\n"), CancellationToken.None);
        }

        if (timer.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            await streams.StandardOutput.WriteAsync(System.Text.Encoding.UTF8.GetBytes($"\r\nlabsite: session ended after {timeout.TotalSeconds:0.#}s, the longest an interactive exec may last\r\n"), CancellationToken.None);
            return TimedOutExitCode;
        }

        await streams.StandardOutput.FlushAsync(CancellationToken.None);
        return process.ExitCode;
    }

    /// <summary>
    /// Waits for the program's output to end, which is when every process holding it has ended. Once the exec is past
    /// its deadline or its caller went away, whatever still holds the output after a short grace (the time a stopped
    /// sandbox takes to go) is killed (<see cref="OutputHolders"/>), so that nothing holds a stopped exec open.
    /// </summary>
    private static async Task EndOfOutputAsync(Task output, string?[] ends, CancellationToken stop)
    {
        try
        {
            await output.WaitAsync(stop);
            return;
        }
        catch (OperationCanceledException)
        {
        }
        if (await Task.WhenAny(output, Task.Delay(s_interruptGrace, CancellationToken.None)) != output)
        {
            OutputHolders.Kill(ends.OfType<string>().ToArray());
        }
        await output;
    }

    /// <summary>VEOF of a new pseudo-terminal (Ctrl-D).</summary>
    private const byte EndOfInputCharacter = 0x04;

    private static async Task CopyKeystrokesAsync(Stream? from, Stream to, CancellationToken ct)
    {
        if (from is null)
        {
            return;
        }
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = await from.ReadAsync(buffer, ct)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, n), ct);
            }
            // The client's input ended: a terminal says so with its EOF character (Ctrl-D), which a reading shell takes as end of input.
            await to.WriteAsync(new byte[] { EndOfInputCharacter }, ct);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The session ended, or the terminal did.
        }
    }

    private static async Task FollowResizesAsync(ExecTerminal window, PseudoTerminal terminal, CancellationToken ct)
    {
        try
        {
            await foreach (var size in window.Resizes.ReadAllAsync(ct))
            {
                terminal.Resize(size);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task FeedStdinAsync(Process process, Stream? input, Action cut, CancellationToken ct)
    {
        try
        {
            if (input is not null)
            {
                var buffer = new byte[81920];
                var left = ExecLimits.MaxStdinBytes;
                int n;
                while ((n = await input.ReadAsync(buffer, ct)) > 0)
                {
                    var take = Math.Min(n, left);
                    await process.StandardInput.BaseStream.WriteAsync(buffer.AsMemory(0, take), ct);
                    left -= take;
                    if (take < n || (left == 0 && await input.ReadAsync(buffer.AsMemory(0, 1), ct) > 0))
                    {
                        cut();
                        break;
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The program exited or stopped reading.
        }
        finally
        {
            try
            {
                process.StandardInput.Close();
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>SIGINT first (what Ctrl-C means to curl or ping), SIGKILL to the whole tree if it lingers.</summary>
    private static async Task StopAsync(Process process)
    {
        if (process.HasExited)
        {
            return;
        }

        Libc.Kill(process.Id, Libc.SigInt);
        using var grace = new CancellationTokenSource(s_interruptGrace);
        try
        {
            await process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    /// <summary>Counts stdout and stderr together; past the cap it kills the program and drains the rest.</summary>
    private sealed class OutputBudget(Process process)
    {
        private long _written;

        public bool Exceeded { get; private set; }

        public async Task CopyAsync(Stream from, Stream to)
        {
            var buffer = new byte[81920];
            int n;
            while ((n = await ReadAsync(from, buffer)) > 0)
            {
                var left = MaxOutputBytes - Interlocked.Add(ref _written, n) + n;
                if (left > 0)
                {
                    await to.WriteAsync(buffer.AsMemory(0, (int)Math.Min(n, left)), CancellationToken.None);
                    await to.FlushAsync(CancellationToken.None);
                }

                if (left < n && !Exceeded)
                {
                    Exceeded = true;
                    try
                    {
                        process.Kill(entireProcessTree: true);
                    }
                    catch (InvalidOperationException)
                    {
                        // Already exited.
                    }
                }
            }
        }

        /// <summary>A read; a pseudo-terminal master reports EIO once the program and the agent have let go of it: that is its end.</summary>
        private static async Task<int> ReadAsync(Stream from, byte[] buffer)
        {
            try
            {
                return await from.ReadAsync(buffer, CancellationToken.None);
            }
            catch (IOException)
            {
                return 0;
            }
        }
    }

    /// <summary>Every exec runs the same way: argv as given, pipes for all three streams, and only a fixed PATH.</summary>
    private static ProcessStartInfo StartInfo(IReadOnlyList<string> argv)
    {
        var psi = new ProcessStartInfo(argv[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in argv.Skip(1))
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment.Clear();
        psi.Environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin";
        return psi;
    }

    /// <summary>A line of ours (a limit was hit) after the program's own stderr.</summary>
    private static async Task NoteAsync(Stream stderr, string text)
    {
        await stderr.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text), CancellationToken.None);
        await stderr.FlushAsync(CancellationToken.None);
    }
}
