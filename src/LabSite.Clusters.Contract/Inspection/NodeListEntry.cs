using LabSite.Clusters.Contract.Kubernetes.Tables;

namespace LabSite.Clusters.Contract.Inspection;

/// <summary>
/// One row of <c>cilium-dbg node list</c>: a node's name, IPv4 address and pod CIDR (the IPv6 columns stay empty in
/// an IPv4 lab), and where the agent learned it: <c>local</c> for the node the agent answers for, else
/// <c>custom-resource</c>. Read from the cluster's Node objects, so every backend answers alike.
/// </summary>
public sealed record NodeListEntry(string Name, string IPv4Address, string IPv4Cidr, string Source)
{
    /// <summary>Rows for Node objects; the first (the control-plane node, whose agent answers) is the local one.</summary>
    public static IReadOnlyList<NodeListEntry> FromNodes(IReadOnlyList<KubeObject> nodes) =>
        nodes.Select((n, i) => new NodeListEntry(
            n.Name,
            KubeJson.Array(n.Json, "status", "addresses").Where(a => KubeJson.Str(a, "type") == "InternalIP").Select(a => KubeJson.Str(a, "address")).FirstOrDefault() ?? "",
            KubeJson.Str(n.Json, "spec", "podCIDR"),
            i == 0 ? "local" : "custom-resource")).ToList();

    /// <summary>The table as cilium-dbg writes it: the last column (Source) is not tab-terminated, so not padded.</summary>
    public static string ToText(IEnumerable<NodeListEntry> nodes)
    {
        var text = new System.Text.StringBuilder("Name\tIPv4 Address\tEndpoint CIDR\tIPv6 Address\tEndpoint CIDR\tSource\n");
        foreach (var n in nodes)
        {
            text.Append(n.Name).Append('\t').Append(n.IPv4Address).Append('\t').Append(n.IPv4Cidr).Append("\t\t\t").Append(n.Source).Append('\n');
        }
        return GoTabWriter.Format(text.ToString(), minWidth: 2, padding: 3);
    }
}
