using System.CommandLine;
using LabSite.Agent.Client;
using LabSite.Agent.Server;

namespace LabSite.Cli;

/// <summary><c>labsite agent [--socket PATH] [--hubble-tcp]</c>: runs the lab agent alone (it owns the lab clusters).</summary>
public static class AgentCommand
{
    public static Command Create()
    {
        var socket = new Option<string>("--socket") { Description = "Unix socket to serve the agent API on (root only).", DefaultValueFactory = _ => AgentProtocol.DefaultSocketPath };
        var hubbleTcp = new Option<bool>("--hubble-tcp") { Description = "Also serve each lab's Hubble API on a loopback TCP port (reachable by any local user)." };
        var command = new Command("agent", "Run the lab agent: it owns lab clusters and serves a local API for the CLI and the web app.") { socket, hubbleTcp };
        command.SetAction(async (result, ct) =>
        {
            var path = result.GetValue(socket)!;
            if (!Path.IsPathRooted(path))
            {
                await result.InvocationConfiguration.Error.WriteLineAsync($"labsite agent: --socket must be an absolute path, got \"{path}\"");
                return 2;
            }
            WebApplication app;
            try
            {
                app = AgentHost.Build(new AgentOptions { SocketPath = path, HubbleTcp = result.GetValue(hubbleTcp) }, AgentBackends.Add);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or PlatformNotSupportedException)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync($"labsite agent: {e.Message}");
                return 1;
            }
            var backends = string.Join(", ", app.Services.GetRequiredService<BackendRouter>().Backends.Select(b => b.Name));
            await result.InvocationConfiguration.Error.WriteLineAsync($"labsite agent: serving on {path} (backends: {(backends.Length == 0 ? "none" : backends)})");
            await app.RunAsync(ct);
            return 0;
        });
        return command;
    }
}
