using System.Diagnostics;
using System.Text;

namespace LabSite.Shell;

/// <summary>
/// Runs an allow-listed tool: fixed path, argument list (never a shell string), empty environment, working directory
/// an empty temporary folder, bounded time and output. Callers filter arguments so the tool reads stdin only.
/// </summary>
public sealed class ProcessToolRunner : IToolRunner
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Output beyond this is cut: a filter like <c>repeat(1)</c> must not fill memory.</summary>
    public const int MaxOutputChars = 4 * 1024 * 1024;

    private static readonly AllowedTool[] s_allowed = [AllowedTool.Jq, AllowedTool.Bpftool];

    public async Task<ToolResult> RunAsync(AllowedTool tool, IReadOnlyList<string> args, string stdin, CancellationToken ct)
    {
        if (!s_allowed.Contains(tool))
        {
            throw new InvalidOperationException($"{tool.Name} is not an allowed tool");
        }
        var empty = Directory.CreateTempSubdirectory("labsh-");
        try
        {
            var start = new ProcessStartInfo(tool.Path)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = empty.FullName,
                StandardOutputEncoding = Encoding.UTF8,
                StandardErrorEncoding = Encoding.UTF8,
            };
            start.Environment.Clear();
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {tool.Path}");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(Timeout);
            var stdout = ReadBoundedAsync(process.StandardOutput, process);
            var stderr = ReadBoundedAsync(process.StandardError, process);
            try
            {
                await process.StandardInput.WriteAsync(stdin.AsMemory(), timeout.Token);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The tool exited without reading all of stdin (e.g. a jq syntax error): its stderr says why.
            }
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
                if (ct.IsCancellationRequested)
                {
                    throw;
                }
                return new ToolResult(124, await stdout, $"{tool.Name}: stopped after {Timeout.TotalSeconds:0} seconds\n");
            }
            return new ToolResult(process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    private static async Task<string> ReadBoundedAsync(StreamReader reader, Process process)
    {
        var text = new StringBuilder();
        var buffer = new char[8192];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            if (text.Length + read > MaxOutputChars)
            {
                text.Append(buffer, 0, MaxOutputChars - text.Length);
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // Already gone.
                }
                break;
            }
            text.Append(buffer, 0, read);
        }
        return text.ToString();
    }
}
