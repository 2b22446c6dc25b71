namespace LabSite.Sandbox.Netns.Datapath;

using LabSite.Sandbox.Contract.Inspection;
using LabSite.Sandbox.Netns.Policy.Compile;

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

    /// <summary>The compiled (not the kernel's) policy of an endpoint, for tests and explanations.</summary>
    public EndpointPolicy? CompiledPolicy(ushort endpointId) => _engine.PolicyOf(new EndpointId(endpointId));
}
