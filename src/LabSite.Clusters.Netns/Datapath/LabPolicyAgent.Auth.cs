using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Clusters.Netns.Auth;

namespace LabSite.Clusters.Netns.Datapath;

/// <summary>Mutual authentication of the lab: the auth manager over this agent's datapath, and SPIRE-entry changes by identity or labels.</summary>
public sealed partial class LabPolicyAgent
{
    /// <summary>The lab's auth manager (null until <see cref="StartMutualAuthAsync"/>).</summary>
    public MutualAuthAgent? MutualAuth { get; private set; }

    /// <summary>Creates the lab's CA and starts every node's mutual-auth listener and the signal reader.</summary>
    public async Task StartMutualAuthAsync(string lab, IReadOnlyList<LabNode> nodes, TimeSpan certificateLifetime) =>
        MutualAuth = await MutualAuthAgent.StartAsync(lab, _datapath, nodes, certificateLifetime);

    /// <summary>
    /// <c>spire-server entry delete</c> / <c>create</c>: revokes or restores the named identity, or every allocated
    /// identity whose labels include all of the given ones. Returns the entries changed.
    /// </summary>
    public IReadOnlyList<SpireEntryModel>? ChangeSpireEntries(SpireEntryChange change)
    {
        if (MutualAuth is not { } auth)
        {
            return null;
        }
        var all = IdentityList().Where(i => i.Id >= LabCertificateAuthority.FirstIssuedIdentity && i.Id < Contract.Identity.NumericIdentity.LocalScopeFlag).ToList();
        List<IdentityModel> targets;
        if (change.Identity is { } id)
        {
            targets = all.Where(i => i.Id == id).ToList();
            if (targets.Count == 0)
            {
                throw new ClusterException($"no SPIRE entry for identity {id}: it is not an allocated endpoint identity of this lab (cilium-dbg identity list shows them)");
            }
        }
        else if (change.Labels is { Count: > 0 } labels)
        {
            if (labels.Count > 16 || labels.Any(l => l.Length is 0 or > 256))
            {
                throw new ClusterException("selectors: 1 to 16 labels of at most 256 characters each");
            }
            targets = all.Where(i => labels.All(l => i.Labels.Contains(l, StringComparer.Ordinal))).ToList();
        }
        else
        {
            throw new ClusterException("name an identity (-spiffeID spiffe://spiffe.cilium/identity/ID) or labels (-selector k8s:LABEL=VALUE)");
        }
        var changed = change.Create ? auth.Restore(targets.Select(t => t.Id)) : auth.Revoke(targets.Select(t => t.Id));
        return targets.Where(t => changed.Contains(t.Id)).Select(t => new SpireEntryModel(auth.EntryId(t.Id), t.Id, t.Labels, null)).ToList();
    }
}
