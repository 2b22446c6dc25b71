using System.Net;
using LabSite.Clusters.Contract.Flows;

namespace LabSite.Clusters.Netns.Flows;

/// <summary>
/// What enrichment knows about a pod: endpoint id (0 for a remote cluster's pod), names, labels and workload;
/// <paramref name="ClusterName"/> is set in a Cluster Mesh (Hubble's <c>cluster_name</c>).
/// </summary>
public sealed record EndpointView(ushort Id, string Namespace, string PodName, IReadOnlyList<string> Labels, IReadOnlyList<Workload> Workloads, string? ClusterName = null);

/// <summary>
/// The narrow view the flow decoders need of the lab (Hubble's getters): pods by address, labels by identity,
/// which policies explain a verdict, and the node name. Injected, so decoders are tested with fakes.
/// </summary>
public interface IEndpointLookup
{
    string NodeName { get; }

    /// <summary>The Hubble node name (<c>cluster/node</c>) of the node endpoint <paramref name="endpointId"/> runs on; <see cref="NodeName"/> when unknown.</summary>
    string NodeNameOf(ushort endpointId) => NodeName;

    EndpointView? ByAddress(IPAddress address);

    /// <summary>Printable labels of an identity (e.g. <c>reserved:host</c>, <c>cidr:10.0.0.0/8</c>); empty when unknown.</summary>
    IReadOnlyList<string> LabelsOf(uint identity);

    /// <summary>
    /// The policies behind the entry that decided a packet at endpoint <paramref name="endpointId"/>
    /// (for <c>*_allowed_by</c> / <c>*_denied_by</c>); empty when none or unknown.
    /// </summary>
    IReadOnlyList<Contract.Flows.Policy> PoliciesFor(ushort endpointId, bool egress, uint remoteIdentity, byte protocol, ushort port);
}
