using System.Diagnostics;
using System.Text;
using LabSite.Clusters.Contract;

namespace LabSite.Clusters.Netns.Kernel;

/// <summary>Runs a host tool (ip, bpftool) with arguments as a list, never through a shell.</summary>
internal static class CommandRunner
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    /// <summary>Runs and returns the result; <paramref name="stdin"/> feeds e.g. an <c>ip -batch -</c> script.</summary>
    public static async Task<Result> RunAsync(string program, IReadOnlyList<string> args, string? stdin, CancellationToken ct)
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
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        if (stdin is not null)
        {
            await p.StandardInput.WriteAsync(stdin.AsMemory(), ct);
            p.StandardInput.Close();
        }

        try
        {
            await p.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw;
        }

        return new Result(p.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs and throws a <see cref="ClusterException"/> quoting the tool's error when it fails.</summary>
    public static async Task<string> RunCheckedAsync(string stage, string program, IReadOnlyList<string> args, string? stdin, CancellationToken ct)
    {
        var r = await RunAsync(program, args, stdin, ct);
        if (r.ExitCode != 0)
        {
            var sb = new StringBuilder($"{stage}: {program} {string.Join(' ', args)} exited {r.ExitCode}");
            if (r.StandardError.Trim() is { Length: > 0 } err)
            {
                sb.Append(": ").Append(err.Replace('\n', ' '));
            }

            throw new ClusterException(sb.ToString());
        }

        return r.StandardOutput;
    }
}
