using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using LabSite.Clusters.Contract.Inspection;

namespace LabSite.Shell.Cilium;

/// <summary>
/// <c>cilium-dbg status</c> in Cilium's layout (pkg/client FormatStatusResponse through a tabwriter with minwidth 2,
/// padding 3), printing only lines whose values the backend really has: KVStore Disabled (CRD mode, as here), no
/// host firewall, the agent and kernel, the node monitor's ring, the L7 proxy, the identity range, Hubble's ring,
/// the ClusterMesh line in a mesh, encryption Disabled, and "Probe disabled" for cluster health (there is no cilium-health). Kubernetes, IPAM,
/// routing and controller lines are left out rather than invented.
/// </summary>
public static class StatusText
{
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    /// <summary>Cilium's state word: Ok, or Warning when the agent has a policy error to report.</summary>
    public static string State(AgentStatusModel s) => s?.Problem is null ? "Ok" : "Warning";

    public static string Text(AgentStatusModel s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var w = new StringBuilder();
        w.Append("KVStore:\tDisabled\t\n");
        w.Append("Host firewall:\tDisabled\n");
        w.Append(s_inv, $"Cilium:\t{State(s)}   {CiliumMessage(s)}\n");
        w.Append(s_inv, $"NodeMonitor:\tListening for events on {s.Cpus} CPUs with {s.MonitorPages}x{s.PageSize} of shared memory\n");
        w.Append(s_inv, $"Proxy Status:\tOK, ip {s.ProxyIp}, {s.ProxyRedirects} redirects active on ports {s.ProxyPort}-{s.ProxyPort}\n");
        w.Append(s_inv, $"Global Identity Range:\tmin {s.MinIdentity}, max {s.MaxIdentity}\n");
        w.Append(s_inv, $"Hubble:\tOk\t{Observer(s)}\n");
        if (s.ClusterMesh is { } mesh)
        {
            w.Append(s_inv, $"ClusterMesh:\t{mesh.Remotes.Count(r => r.Ready)}/{mesh.Remotes.Count} remote clusters ready, {mesh.GlobalServices} global-services\n");
        }
        w.Append("Encryption:\tDisabled\t\n");
        w.Append("Cluster health:\t\tProbe disabled\n");
        return GoTabWriter.Format(w.ToString(), minWidth: 2, padding: 3);
    }

    /// <summary><c>--brief</c>: "OK", or "error in cilium: MESSAGE" (exit status 1).</summary>
    public static string Brief(AgentStatusModel s) =>
        s?.Problem is { } problem ? $"error in cilium: {problem}\n" : "OK\n";

    /// <summary>
    /// <c>-o json</c>: the fields of Cilium's StatusResponse that have values here, with its JSON names, plus the
    /// cluster, kernel, endpoint count and enforcement mode the agent knows.
    /// </summary>
    public static string Json(AgentStatusModel s)
    {
        ArgumentNullException.ThrowIfNull(s);
        using var stream = new MemoryStream();
        using (var j = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            j.WriteStartObject();
            j.WriteStartObject("cilium");
            j.WriteString("msg", s.Problem ?? CiliumMessage(s));
            j.WriteString("state", State(s));
            j.WriteEndObject();
            j.WriteString("cluster-name", s.ClusterName);
            j.WriteString("node-name", s.NodeName);
            j.WriteString("kernel-version", s.KernelVersion);
            j.WriteNumber("endpoints", s.Endpoints);
            j.WriteString("policy-enforcement", s.PolicyEnforcement);
            j.WriteStartObject("encryption");
            j.WriteString("mode", "Disabled");
            j.WriteEndObject();
            j.WriteStartObject("host-firewall");
            j.WriteString("mode", "Disabled");
            j.WriteEndObject();
            j.WriteStartObject("hubble");
            j.WriteStartObject("observer");
            j.WriteNumber("current-flows", s.CurrentFlows);
            j.WriteNumber("max-flows", s.MaxFlows);
            j.WriteNumber("seen-flows", s.SeenFlows);
            // Go's time.Duration: nanoseconds.
            j.WriteNumber("uptime", (long)(s.UptimeSeconds * 1e9));
            j.WriteEndObject();
            j.WriteString("state", "Ok");
            j.WriteEndObject();
            j.WriteStartObject("identity-range");
            j.WriteNumber("max-identity", s.MaxIdentity);
            j.WriteNumber("min-identity", s.MinIdentity);
            j.WriteEndObject();
            j.WriteStartObject("kvstore");
            j.WriteString("state", "Disabled");
            j.WriteEndObject();
            j.WriteStartObject("nodeMonitor");
            j.WriteNumber("cpus", s.Cpus);
            j.WriteNumber("npages", s.MonitorPages);
            j.WriteNumber("pagesize", s.PageSize);
            j.WriteEndObject();
            j.WriteStartObject("proxy");
            j.WriteString("ip", s.ProxyIp);
            j.WriteString("port-range", $"{s.ProxyPort}-{s.ProxyPort}");
            j.WriteNumber("total-redirects", s.ProxyRedirects);
            j.WriteEndObject();
            j.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Where Cilium prints its version ("1.16.1 (v1.16.1-68579055)"): ours, plus what this agent is and runs on.</summary>
    private static string CiliumMessage(AgentStatusModel s)
    {
        // An informational version "1.0.0+<commit>" prints as "1.0.0 (<short commit>)".
        var plus = s.Version.IndexOf('+', StringComparison.Ordinal);
        var version = plus < 0 ? s.Version : $"{s.Version[..plus]} ({s.Version[(plus + 1)..][..Math.Min(8, s.Version.Length - plus - 1)]})";
        return $"LabSite {version} (netns eBPF datapath, kernel {s.KernelVersion}, cluster {s.ClusterName}, node {s.NodeName}, {s.Endpoints} endpoints, policy enforcement {s.PolicyEnforcement})";
    }

    private static string Observer(AgentStatusModel s)
    {
        var pct = s.MaxFlows == 0 ? 0 : 100.0 * s.CurrentFlows / s.MaxFlows;
        var text = string.Create(s_inv, $"Current/Max Flows: {s.CurrentFlows}/{s.MaxFlows} ({pct:F2}%)");
        return s.UptimeSeconds > 0 ? text + string.Create(s_inv, $", Flows/s: {s.SeenFlows / s.UptimeSeconds:F2}") : text;
    }
}
