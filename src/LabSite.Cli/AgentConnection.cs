using System.Diagnostics;
using LabSite.Agent.Client;
using LabSite.Clusters.Contract;

namespace LabSite.Cli;

/// <summary>
/// Finds the lab agent for a CLI command. When none answers on the socket, starts <c>labsite agent</c> in the
/// background (its own session, output to a log file beside the socket) and says so on stderr; with
/// autostart off, the error says how to start one.
/// </summary>
internal static class AgentConnection
{
    public static async Task<AgentClient> ConnectAsync(string socketPath, bool autostart, TextWriter stderr, CancellationToken ct)
    {
        var client = new AgentClient(socketPath);
        try
        {
            await client.VersionAsync(ct);
            return client;
        }
        catch (AgentUnavailableException) when (autostart)
        {
        }
        catch
        {
            client.Dispose();
            throw;
        }

        var log = Path.ChangeExtension(socketPath, ".log");
        StartDetached(socketPath, log);
        // Bounded wait: the agent binds its socket within a second or two; 15 s covers a cold, busy machine.
        for (var attempt = 0; attempt < 150; attempt++)
        {
            await Task.Delay(100, ct);
            try
            {
                var version = await client.VersionAsync(ct);
                await stderr.WriteLineAsync($"labsite: no lab agent was running on {socketPath}; started one in the background (pid {version.Pid}, log: {log})");
                return client;
            }
            catch (AgentUnavailableException)
            {
            }
        }
        client.Dispose();
        throw new ClusterException($"started a lab agent for {socketPath}, but it did not answer within 15 s; see {log}");
    }

    private static void StartDetached(string socketPath, string log)
    {
        var dir = Path.GetDirectoryName(log)!;
        if (!Directory.Exists(dir) && OperatingSystem.IsLinux())
        {
            // 0700, as the agent itself would create it: the socket inside must never be reachable by others.
            Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var (exe, prefix) = Self();
        // sh only detaches (setsid, &) and redirects; every value is passed as a positional argument, never parsed.
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (var arg in (string[])["-c", "log=$1; shift; setsid \"$@\" >>\"$log\" 2>&1 </dev/null &", "sh", log, exe, .. prefix, "agent", "--socket", socketPath])
        {
            start.ArgumentList.Add(arg);
        }
        using var sh = Process.Start(start) ?? throw new ClusterException("could not start /bin/sh to launch the lab agent");
        sh.WaitForExit(5000);
    }

    /// <summary>How to run this same labsite: the apphost directly, or <c>dotnet labsite.dll</c>.</summary>
    private static (string Exe, string[] Prefix) Self()
    {
        var exe = Environment.ProcessPath ?? throw new ClusterException("cannot tell where the labsite executable is");
        if (Path.GetFileNameWithoutExtension(exe) == "dotnet")
        {
            return (exe, [typeof(AgentConnection).Assembly.Location]);
        }
        return (exe, []);
    }
}
