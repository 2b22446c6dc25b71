using System.Diagnostics;
using System.Text;
using LabSite.Clusters.Contract;

namespace LabSite.Clusters.Netns.Kernel;

/// <summary>Runs a host tool (ip, bpftool) with arguments as a list, never through a shell.</summary>
internal static class CommandRunner
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    /// <summary>
    /// The longest a tool may run. Each is a short command (ip, gobgp, vtysh); without a bound, one stuck on a wedged
    /// daemon's socket would hang its lab operation, or the lab's teardown, for good.
    /// </summary>
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromMinutes(2);

    /// <summary>After the tool exits, how long a process it started (a daemon) may keep its output open.</summary>
    public static readonly TimeSpan DefaultOutputGrace = TimeSpan.FromSeconds(10);

    /// <summary>Runs and returns the result; <paramref name="stdin"/> feeds e.g. an <c>ip -batch -</c> script.</summary>
    public static Task<Result> RunAsync(string program, IReadOnlyList<string> args, string? stdin, CancellationToken ct) =>
        RunAsync(program, args, stdin, DefaultLimit, DefaultOutputGrace, ct);

    internal static async Task<Result> RunAsync(string program, IReadOnlyList<string> args, string? stdin, TimeSpan limit, TimeSpan outputGrace, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardInput = stdin is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new ClusterException($"could not start {program}");
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(limit);
        var stdout = p.StandardOutput.ReadToEndAsync(bounded.Token);
        var stderr = p.StandardError.ReadToEndAsync(bounded.Token);
        try
        {
            if (stdin is not null)
            {
                await p.StandardInput.WriteAsync(stdin.AsMemory(), bounded.Token);
                p.StandardInput.Close();
            }

            await p.WaitForExitAsync(bounded.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            ct.ThrowIfCancellationRequested();
            throw new ClusterException($"{CommandLine(program, args)} did not finish within {limit.TotalSeconds:0.#} s and was stopped");
        }

        try
        {
            return new Result(p.ExitCode, await stdout.WaitAsync(outputGrace, ct), await stderr.WaitAsync(outputGrace, ct));
        }
        catch (TimeoutException)
        {
            throw new ClusterException($"{CommandLine(program, args)} exited {p.ExitCode}, but a process it started still held its output {outputGrace.TotalSeconds:0.#} s later");
        }
    }

    private static string CommandLine(string program, IReadOnlyList<string> args) => $"{program} {string.Join(' ', args)}";

    /// <summary>Runs and throws a <see cref="ClusterException"/> quoting the tool's error when it fails.</summary>
    public static async Task<string> RunCheckedAsync(string stage, string program, IReadOnlyList<string> args, string? stdin, CancellationToken ct)
    {
        var r = await RunAsync(program, args, stdin, ct);
        if (r.ExitCode != 0)
        {
            var sb = new StringBuilder($"{stage}: {CommandLine(program, args)} exited {r.ExitCode}");
            if (r.StandardError.Trim() is { Length: > 0 } err)
            {
                sb.Append(": ").Append(err.Replace('\n', ' '));
            }

            throw new ClusterException(sb.ToString());
        }

        return r.StandardOutput;
    }
}
