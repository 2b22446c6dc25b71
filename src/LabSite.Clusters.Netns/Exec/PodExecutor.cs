using System.Diagnostics;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Kernel.Interop;

namespace LabSite.Clusters.Netns.Exec;

/// <summary>
/// Runs a validated command through <see cref="SandboxCommand"/>, streaming stdout/stderr as they come,
/// feeding stdin, and returning the program's exit code. Cancellation (Ctrl-C) sends SIGINT, then kills
/// after a grace period; a timeout does the same and returns 124 with a note on stderr, as timeout(1) does.
/// Output beyond <see cref="MaxOutputBytes"/> is dropped and the program killed, so a runaway loop in a pod
/// shell cannot fill the agent's or the browser's memory.
/// </summary>
internal static class PodExecutor
{
    public const int TimedOutExitCode = 124;
    public const long MaxOutputBytes = 16L * 1024 * 1024;
    private static readonly TimeSpan s_interruptGrace = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(IReadOnlyList<string> argv, ExecStreams streams, TimeSpan timeout, CancellationToken ct)
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

        using var process = await ProcessLauncher.StartAsync(psi);
        using var timer = new CancellationTokenSource(timeout);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);

        var budget = new OutputBudget(process);
        var stdout = budget.CopyAsync(process.StandardOutput.BaseStream, streams.StandardOutput);
        var stderr = budget.CopyAsync(process.StandardError.BaseStream, streams.StandardError);
        var stdin = FeedStdinAsync(process, streams.StandardInput, either.Token);

        try
        {
            await process.WaitForExitAsync(either.Token);
        }
        catch (OperationCanceledException)
        {
            await StopAsync(process);
        }

        await Task.WhenAll(stdout, stderr);
        await stdin.ContinueWith(_ => { }, TaskScheduler.Default);
        await streams.StandardOutput.FlushAsync(CancellationToken.None);

        if (budget.Exceeded)
        {
            var note = System.Text.Encoding.UTF8.GetBytes($"\nlabsite: output exceeded {MaxOutputBytes / (1024 * 1024)} MiB; the rest was dropped and the command stopped\n");
            await streams.StandardError.WriteAsync(note, CancellationToken.None);
            await streams.StandardError.FlushAsync(CancellationToken.None);
        }

        if (timer.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            var note = System.Text.Encoding.UTF8.GetBytes($"labsite: command timed out after {timeout.TotalSeconds:0.#}s and was stopped\n");
            await streams.StandardError.WriteAsync(note, CancellationToken.None);
            await streams.StandardError.FlushAsync(CancellationToken.None);
            return TimedOutExitCode;
        }

        return process.ExitCode;
    }

    private static async Task FeedStdinAsync(Process process, Stream? input, CancellationToken ct)
    {
        try
        {
            if (input is not null)
            {
                await input.CopyToAsync(process.StandardInput.BaseStream, ct);
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
            while ((n = await from.ReadAsync(buffer, CancellationToken.None)) > 0)
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
    }
}
