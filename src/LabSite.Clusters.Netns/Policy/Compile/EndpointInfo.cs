using System.Net;
using LabSite.Clusters.Netns.Identity;
using LabSite.Clusters.Netns.Policy.Api;

namespace LabSite.Clusters.Netns.Policy.Compile;

/// <summary>An endpoint (pod) id as Cilium numbers them: 1–4095 on a node, named in <c>cilium_policy_v2_&lt;id&gt;</c>.</summary>
public readonly record struct EndpointId(ushort Value) : IComparable<EndpointId>
{
    public int CompareTo(EndpointId other) => Value.CompareTo(other.Value);

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A container port with a name, which named-port rules resolve to.</summary>
public sealed record NamedPort(string Name, ushort Port, L4Protocol Protocol);

/// <summary>What the policy engine needs to know about one endpoint: its identity labels and named ports.</summary>
public sealed record EndpointInfo(
    EndpointId Id, string Namespace, string PodName, LabelSet Labels, IReadOnlyList<NamedPort> NamedPorts, IPAddress? IPv4 = null);

/// <summary>How policies are enforced (Cilium's <c>policy-enforcement-mode</c>).</summary>
public enum PolicyEnforcementMode { Default, Always, Never }
