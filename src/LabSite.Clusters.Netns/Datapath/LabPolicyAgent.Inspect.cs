using LabSite.Clusters.Contract.Inspection;
using LabSite.Clusters.Netns.Policy.Api;
using LabSite.Clusters.Netns.Policy.Compile;
using LabSite.Clusters.Netns.Store.Kinds;

namespace LabSite.Clusters.Netns.Datapath;

/// <summary>Read side of the agent, in the contract's shapes (what cilium-dbg shows).</summary>
public sealed partial class LabPolicyAgent
{
    public IReadOnlyList<EndpointModel> Endpoints()
    {
        lock (_lock)
        {
            return _pods.Values.OrderBy(p => p.Id).Select(p =>
            {
                var policy = _engine.PolicyOf(p.Id);
                var labels = _identities.Lookup(policy?.Identity ?? default)?.Labels.Select(l => l.ToString()).ToList() ?? [];
                return new EndpointModel(
                    p.Id.Value, policy?.Identity.Value ?? 0, labels, p.Ip.ToString(), "",
                    policy?.IngressEnforced == true ? "Enabled" : "Disabled", policy?.EgressEnforced == true ? "Enabled" : "Disabled",
                    "ready", p.Namespace, p.Name);
            }).ToList();
        }
    }

    public IReadOnlyList<IdentityModel> IdentityList() =>
        _identities.Snapshot().Select(i => new IdentityModel(i.Id.Value, i.Labels.Labels.Select(l => l.ToString()).ToList())).ToList();

    public PolicyMapDump? PolicyMap(ushort endpointId)
    {
        lock (_lock)
        {
            return _datapath.DumpPolicy(endpointId);
        }
    }

    /// <summary>Printable labels of an identity, for <c>bpf policy get</c>'s LABELS column.</summary>
    public IReadOnlyList<string> LabelsOf(uint identity) => _lookup.LabelsOf(identity);

    public IReadOnlyList<ConntrackEntry> Conntrack()
    {
        lock (_lock)
        {
            return _datapath.DumpConntrack();
        }
    }

    public IReadOnlyList<IpcacheEntry> Ipcache()
    {
        lock (_lock)
        {
            return _datapath.DumpIpcache();
        }
    }

    /// <summary>The policy repository as <c>cilium-dbg policy get</c> shows it: every loaded rule, its labels, the revision.</summary>
    public PolicyRepositoryModel PolicyRepository()
    {
        var (policies, revision) = _engine.Repository();
        return new PolicyRepositoryModel(PolicyRepositoryJson.Write(policies, UidOf), revision);
    }

    private string? UidOf(PolicySource source) =>
        ServedKinds.Resolve(source.Kind) is { } kind
            ? (string?)_store.Find(kind, source.Namespace, source.Name)?.Json["metadata"]?["uid"]
            : null;

    /// <summary>Where the L7 proxy listens and how many (endpoint, direction, port) redirects it serves now.</summary>
    public (ushort Port, int Redirects) ProxyState() => (_engine.L7ProxyPort, _engine.L7Policies().Count);

    public PolicyEnforcementMode EnforcementMode => _engine.Mode;

    /// <summary>Size of the datapath's event ring (ls_events) in bytes, as the kernel reports it.</summary>
    public long EventsRingBytes => Bpf.BpfPinnedMapInfo.MaxEntries(_datapath.EventsPinPath);

    /// <summary>When the agent started (Hubble's observer uptime counts from here).</summary>
    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>The compiled (not the kernel's) policy of an endpoint, for tests and explanations.</summary>
    public EndpointPolicy? CompiledPolicy(ushort endpointId) => _engine.PolicyOf(new EndpointId(endpointId));
}
