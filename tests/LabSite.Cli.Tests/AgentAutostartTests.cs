using System.CommandLine;
using System.Diagnostics;
using System.Runtime.Versioning;
using System.Text.RegularExpressions;

namespace LabSite.Cli.Tests;

/// <summary>With no agent on the socket, a cluster command starts a real `labsite agent` in the background.</summary>
[SupportedOSPlatform("linux")]
public sealed class AgentAutostartTests
{
    [Fact]
    public async Task A_cluster_command_starts_a_detached_agent_and_says_so_on_stderr()
    {
        var dir = Path.Combine(Path.GetTempPath(), "labsite-autostart-" + Guid.NewGuid().ToString("N")[..8]);
        var socket = Path.Combine(dir, "agent.sock");
        var output = new StringWriter();
        var error = new StringWriter();
        Process? agent = null;
        try
        {
            var code = await LabSiteCommandLine.Create().Parse(["cluster", "list", "--socket", socket])
                .InvokeAsync(new InvocationConfiguration { Output = output, Error = error });

            var started = Regex.Match(error.ToString(), $@"^labsite: no lab agent was running on {Regex.Escape(socket)}; started one in the background \(pid (\d+), log: {Regex.Escape(Path.Combine(dir, "agent.log"))}\)\n");
            Assert.True(started.Success, error.ToString());
            agent = Process.GetProcessById(int.Parse(started.Groups[1].Value));
            Assert.Equal(0, code);
            Assert.EndsWith("No clusters found.\n", error.ToString());
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir));
        }
        finally
        {
            if (agent is not null)
            {
                agent.Kill();
                await agent.WaitForExitAsync();
            }
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}
