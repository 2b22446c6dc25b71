using System.ComponentModel.DataAnnotations;
using LabSite.Agent.Client;

namespace LabSite.Agent.Server;

/// <summary>Where the lab agent listens (bound from the <c>AgentOptions</c> section, or set by <c>labsite agent --socket</c>).</summary>
public sealed class AgentOptions
{
    /// <summary>The unix socket of the agent's API; created mode 0600 (root only), its folder 0700 when we create it.</summary>
    [Required]
    [RegularExpression("^/.*", ErrorMessage = "AgentOptions:SocketPath must be an absolute path (e.g. /run/labsite/agent.sock)")]
    public string SocketPath { get; set; } = AgentProtocol.DefaultSocketPath;

    /// <summary>Also serve each lab's Hubble API on a loopback TCP port (any local user can reach it; off by default).</summary>
    public bool HubbleTcp { get; set; }

    /// <summary>
    /// The loopback TCP port of the labs' Kubernetes APIs (<c>http://127.0.0.1:PORT/clusters/LAB</c>); 0 (the default)
    /// picks a free one, which <c>labsite cluster kubeconfig</c> asks the agent for; null serves none. Only those paths
    /// answer there: the agent's own API stays on the root-only socket.
    /// </summary>
    [Range(0, 65535)]
    public int? KubeApiPort { get; set; } = 0;

    /// <summary>
    /// The real kubectl the lab shell runs in each lab (<c>POST /v1/clusters/LAB/kubectl</c>); empty looks for
    /// <c>.tools/kubectl</c> (scripts/setup.sh) above the agent's folder, then /usr/local/bin and /usr/bin. It must be
    /// readable by the labs' unprivileged users.
    /// </summary>
    public string KubectlPath { get; set; } = "";
}
