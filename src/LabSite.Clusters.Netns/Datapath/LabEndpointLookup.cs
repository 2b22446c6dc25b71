using System.Collections.Concurrent;
using System.Net;
using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Netns.Flows;
using LabSite.Clusters.Netns.Policy.Compile;
using ApiDirection = LabSite.Clusters.Netns.Policy.Api.TrafficDirection;

namespace LabSite.Clusters.Netns.Datapath;

/// <summary>
/// Enrichment for one lab's flows: pods registered by address, labels from the identity allocator, and the
/// policies behind a verdict found by replaying the datapath's lookup over the compiled entries.
/// Thread-safe (the flow pump reads while the agent registers).
/// </summary>
public sealed class LabEndpointLookup(string nodeName, PolicyEngine engine) : IEndpointLookup
{
    private const int MaxCachedPolicies = 1024;

    private readonly ConcurrentDictionary<IPAddress, EndpointView> _pods = new();
    private readonly ConcurrentDictionary<ushort, string> _nodes = new();

    // Every verdict event names its policies: build each (immutable) flow Policy once per policy revision.
    private readonly ConcurrentDictionary<LabSite.Clusters.Netns.Policy.Api.PolicySource, Contract.Flows.Policy> _flowPolicies = new();

    public string NodeName => nodeName;

    public void Register(IPAddress address, EndpointView view) => _pods[address] = view;

    public void Unregister(IPAddress address) => _pods.TryRemove(address, out _);

    /// <summary>Names the node of an endpoint on a worker (node 1's endpoints need nothing: they default to <see cref="NodeName"/>).</summary>
    public void PlaceOnNode(ushort endpointId, string? nodeName)
    {
        if (nodeName is null)
        {
            _nodes.TryRemove(endpointId, out _);
        }
        else
        {
            _nodes[endpointId] = nodeName;
        }
    }

    public string NodeNameOf(ushort endpointId) => _nodes.TryGetValue(endpointId, out var node) ? node : nodeName;

    public EndpointView? ByAddress(IPAddress address) => _pods.GetValueOrDefault(address);

    public IReadOnlyList<string> LabelsOf(uint identity) =>
        engine.Identities.Lookup(new NumericIdentity(identity))?.Labels.Select(l => l.ToString()).ToList() ?? [];

    public IReadOnlyList<Contract.Flows.Policy> PoliciesFor(ushort endpointId, bool egress, uint remoteIdentity, byte protocol, ushort port)
    {
        var policy = engine.PolicyOf(new EndpointId(endpointId));
        if (policy is null)
        {
            return [];
        }
        var entry = PolicyLookup.Decide(policy.Entries, egress ? ApiDirection.Egress : ApiDirection.Ingress, remoteIdentity, protocol, port);
        return entry?.DerivedFrom.Select(FlowPolicy).ToList() ?? [];
    }

    private Contract.Flows.Policy FlowPolicy(LabSite.Clusters.Netns.Policy.Api.PolicySource s)
    {
        if (_flowPolicies.TryGetValue(s, out var known))
        {
            return known;
        }
        if (_flowPolicies.Count >= MaxCachedPolicies)
        {
            _flowPolicies.Clear();
        }
        return _flowPolicies[s] = ToFlowPolicy(s);
    }

    private static Contract.Flows.Policy ToFlowPolicy(LabSite.Clusters.Netns.Policy.Api.PolicySource s)
    {
        var labels = new List<string>
        {
            $"k8s:io.cilium.k8s.policy.derived-from={s.Kind}",
            $"k8s:io.cilium.k8s.policy.name={s.Name}",
        };
        if (s.Namespace is { } ns)
        {
            labels.Add($"k8s:io.cilium.k8s.policy.namespace={ns}");
        }
        return new Contract.Flows.Policy(s.Name, s.Namespace ?? "", labels, s.Revision, s.Kind);
    }
}
