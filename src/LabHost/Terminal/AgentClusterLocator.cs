namespace LabSite.LabHost.Terminal;

using System.Collections.Concurrent;
using LabSite.LabHost.Agent;
using LabSite.LabHost.Web.Learners;
using LabSite.Sandbox;

/// <summary>
/// Gives each learner one cluster per lab on the lab agent, created the first time the lab's terminal asks for it
/// and found again afterwards (also after a reconnect). Clusters live until the agent stops or someone runs
/// <c>labsite cluster down</c>; there is no expiry yet.
/// </summary>
public sealed class AgentClusterLocator(LabAgent agent) : ILabClusterLocator
{
    // One creation at a time per cluster name: two terminal tabs opening together must not both create it.
    readonly ConcurrentDictionary<string, SemaphoreSlim> _creating = new(StringComparer.Ordinal);

    public async Task<ILabCluster?> FindAsync(LearnerId learner, string labId, CancellationToken ct)
    {
        var name = ClusterName(learner, labId);
        var gate = _creating.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            return await agent.FindAsync(name, ct)
                ?? await agent.Backend(null).CreateAsync(new ClusterRequest(name, labId), progress: null, ct);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// A DNS label of at most 32 characters (the agent's rule, since names become parts of kernel object names):
    /// <c>l</c> + the learner id's first 8 hex digits + the lab id, cut to fit.
    /// </summary>
    public static string ClusterName(LearnerId learner, string labId)
    {
        var name = $"l{learner.Value:N}"[..9] + "-" + labId.ToLowerInvariant();
        return (name.Length > 32 ? name[..32] : name).TrimEnd('-');
    }
}
