using LabSite.Agent.Client;
using LabSite.Clusters.Contract;

namespace LabSite.Agent.Server;

public enum AgentMode { Auto, InProcess, Remote, Off }

/// <summary>
/// How <c>labsite serve</c> reaches lab clusters: a running agent on the socket (remote, through
/// <see cref="AgentClient"/>), else an agent hosted in-process on that socket, reached through it the same way.
/// Either way the web app gets one <see cref="BackendRouter"/> over an <see cref="AgentClient"/>.
/// </summary>
public sealed class AgentAttachment : IAsyncDisposable
{
    private AgentAttachment(BackendRouter? agent, WebApplication? hosted, IDisposable? client, string description)
    {
        Agent = agent;
        Hosted = hosted;
        Client = client;
        Description = description;
    }

    /// <summary>Null when clusters are unavailable (mode off, or the in-process agent could not start).</summary>
    public BackendRouter? Agent { get; }

    /// <summary>The in-process agent's own host (socket API), when this process runs the agent.</summary>
    public WebApplication? Hosted { get; }

    private IDisposable? Client { get; }

    /// <summary>One line for the console: where clusters come from.</summary>
    public string Description { get; }

    /// <param name="addBackends">Registers the backends an in-process agent hosts.</param>
    public static async Task<AgentAttachment> AttachAsync(AgentMode mode, string socketPath, Action<IServiceCollection> addBackends, CancellationToken ct)
    {
        if (mode == AgentMode.Off)
        {
            return new AgentAttachment(null, null, null, "lab clusters: off (--agent off)");
        }
        if (mode is AgentMode.Auto or AgentMode.Remote)
        {
            var client = new AgentClient(socketPath);
            try
            {
                var version = await client.VersionAsync(ct);
                return new AgentAttachment(new BackendRouter([client]), null, client,
                    $"lab clusters: agent on {socketPath} (pid {version.Pid}, backends: {string.Join(", ", version.Backends)})");
            }
            catch (ClusterException e) when (mode == AgentMode.Auto && e is AgentUnavailableException)
            {
                client.Dispose();
            }
            catch (ClusterException e)
            {
                client.Dispose();
                return new AgentAttachment(null, null, null, $"lab clusters unavailable: {e.Message}");
            }
        }

        WebApplication? hosted = null;
        try
        {
            hosted = AgentHost.Build(new AgentOptions { SocketPath = socketPath }, addBackends);
            await hosted.StartAsync(ct);
            var backends = hosted.Services.GetRequiredService<BackendRouter>().Backends.Select(b => b.Name);
            // The site reaches its own agent through the socket, as it reaches a separate one: one path for both, and its
            // clusters are the agent's (the lab shell's kubectl runs there, inside the lab's network).
            var client = new AgentClient(socketPath);
            return new AgentAttachment(new BackendRouter([client]), hosted, client,
                $"lab clusters: in-process agent, serving {socketPath} (backends: {string.Join(", ", backends)})");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not root, no bpffs, socket folder not writable...: the site still serves content, exams and progress.
            if (hosted is not null)
            {
                await hosted.DisposeAsync();
            }
            return new AgentAttachment(null, null, null, $"lab clusters unavailable: the in-process agent did not start: {e.Message}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Hosted is not null)
        {
            await Hosted.StopAsync();
            await Hosted.DisposeAsync();
        }
        Client?.Dispose();
    }
}
