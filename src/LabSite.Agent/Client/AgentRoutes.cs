using System.Text;

namespace LabSite.Agent.Client;

/// <summary>
/// Every route of the agent's API: the one table the server maps and the client calls (shapes and status codes are
/// documented on <see cref="AgentProtocol"/>). Templates are relative to <see cref="Root"/>.
/// </summary>
public static class AgentRoutes
{
    public const string Root = "/v1";
    public const string Version = "/version";
    public const string Clusters = "/clusters";
    public const string Cluster = "/clusters/{cluster}";
    public const string Manifests = Cluster + "/manifests";
    public const string Objects = Cluster + "/objects/{kind}";
    public const string Exec = Cluster + "/exec";
    public const string ExecSession = Cluster + "/exec/session";
    public const string Logs = Cluster + "/logs/{ns}/{pod}";
    public const string Flows = Cluster + "/flows";
    public const string Endpoints = Cluster + "/endpoints";
    public const string PolicyMap = Cluster + "/endpoints/{id}/policy";
    public const string Identities = Cluster + "/identities";
    public const string Conntrack = Cluster + "/conntrack";
    public const string Ipcache = Cluster + "/ipcache";
    public const string FqdnCache = Cluster + "/fqdn-cache";
    public const string Services = Cluster + "/services";
    public const string Policy = Cluster + "/policy";
    public const string Status = Cluster + "/status";
    public const string HubbleMetrics = Cluster + "/hubble-metrics";
    public const string RuntimeEvents = Cluster + "/runtime-events";
    public const string BpfObjects = Cluster + "/bpf-objects";
    public const string BgpPeers = Cluster + "/bgp/peers";
    public const string BgpRoutes = Cluster + "/bgp/routes/{table}";
    public const string Router = Cluster + "/router";
    public const string AuthEntries = Cluster + "/auth/entries";
    public const string SpireEntries = Cluster + "/auth/spire-entries";
    public const string Encryption = Cluster + "/encryption";
    public const string NodeCapture = Cluster + "/node-capture";
    public const string BpfCompile = Cluster + "/bpf/compile";
    public const string BpfPrograms = Cluster + "/bpf/programs";
    public const string BpfProgram = Cluster + "/bpf/programs/{name}";
    public const string Hubble = Cluster + "/hubble";
    public const string Kubernetes = Cluster + "/kubernetes";
    public const string Kubectl = Cluster + "/kubectl";
    public const string Gc = "/gc";

    /// <summary>
    /// The client's URL (relative to the agent's base address) for <paramref name="template"/>, its placeholders filled
    /// in order with <paramref name="values"/>, each escaped.
    /// </summary>
    public static string Url(string template, params string[] values)
    {
        var url = new StringBuilder(Root.TrimStart('/'));
        var next = 0;
        for (var i = 0; i < template.Length; i++)
        {
            if (template[i] != '{')
            {
                url.Append(template[i]);
                continue;
            }
            if (next == values.Length)
            {
                throw new ArgumentException($"route {template} needs more than {values.Length} value(s)", nameof(values));
            }
            url.Append(Uri.EscapeDataString(values[next++]));
            i = template.IndexOf('}', i);
        }
        return next == values.Length ? url.ToString() : throw new ArgumentException($"route {template} takes {next} value(s), not {values.Length}", nameof(values));
    }
}
