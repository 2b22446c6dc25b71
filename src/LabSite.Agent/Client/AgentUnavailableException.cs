using LabSite.Clusters.Contract;

namespace LabSite.Agent.Client;

/// <summary>Nothing answers on the agent's socket (not started, or it died); the message says how to start one.</summary>
public sealed class AgentUnavailableException(string socketPath, Exception inner)
    : ClusterException($"cannot reach the lab agent at {socketPath}: {inner.Message} (start one with `labsite agent --socket {socketPath}`)", inner)
{
    public string SocketPath { get; } = socketPath;
}
