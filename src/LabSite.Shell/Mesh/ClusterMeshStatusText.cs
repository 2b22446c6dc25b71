using System.Globalization;
using System.Text;
using LabSite.Clusters.Contract.Inspection;

namespace LabSite.Shell.Mesh;

/// <summary>
/// <c>cilium clustermesh status</c> in the Cilium CLI's layout, for what the lab has: one node per cluster, each
/// connected to its remote clusters through the lab's mesh (no clustermesh-apiserver Service or Deployment to report,
/// so those lines are left out rather than invented), the cluster connections and the global services count as
/// min/avg/max over the cluster's agents (one here).
/// </summary>
public static class ClusterMeshStatusText
{
    public static string Text(AgentStatusModel status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var inv = CultureInfo.InvariantCulture;
        var w = new StringBuilder();
        if (status.ClusterMesh is not { } mesh)
        {
            w.Append(inv, $"❌ Cluster {status.ClusterName} is not part of a cluster mesh (no remote clusters configured)\n");
            return w.ToString();
        }
        // Cilium's min/avg/max count, per agent, the remote clusters it is connected to.
        var connected = mesh.Remotes.Count(r => r.Ready);
        w.Append(connected == mesh.Remotes.Count
            ? string.Create(inv, $"✅ All 1 nodes are connected to all clusters [min:{connected} / avg:{connected:F1} / max:{connected}]\n")
            : string.Create(inv, $"⚠️  1 nodes are not connected to all clusters [min:{connected} / avg:{connected:F1} / max:{connected}]\n"));
        w.Append("🔌 Cluster Connections:\n");
        foreach (var r in mesh.Remotes.OrderBy(r => r.Name, StringComparer.Ordinal))
        {
            var ready = r.Ready ? 1 : 0;
            w.Append(inv, $"  - {r.Name}: 1/1 configured, {ready}/1 connected\n");
        }
        w.Append(inv, $"🔀 Global services: [ min:{mesh.GlobalServices} / avg:{mesh.GlobalServices:F1} / max:{mesh.GlobalServices} ]\n");
        return w.ToString();
    }
}
