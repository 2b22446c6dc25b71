using System.ComponentModel.DataAnnotations;

namespace LabSite.Clusters.Kind;

/// <summary>The kind backend's settings (section <c>KindOptions</c>).</summary>
public sealed class KindOptions
{
    /// <summary>Whether the agent offers the kind backend; read from <c>KindOptions__Enabled</c> when the agent starts.</summary>
    public bool Enabled { get; set; }

    /// <summary>Directory with kind-config.yaml, cilium-values.yaml, cilium-version.txt and images.txt.</summary>
    [Required]
    public string InfraDirectory { get; set; } = "infra/kind";

    /// <summary>Where each cluster's kubeconfig and ownership record live.</summary>
    [Required]
    public string StateDirectory { get; set; } = "/var/lib/labsite/kind";

    public string Kind { get; set; } = "kind";

    public string Helm { get; set; } = "helm";

    public string Kubectl { get; set; } = "kubectl";

    /// <summary>Docker engine endpoint (unix socket).</summary>
    public string DockerEndpoint { get; set; } = "unix:///var/run/docker.sock";

    /// <summary>Memory limit of each node container in MiB (0 = none); keeps one lab from starving the host.</summary>
    [Range(0, 65536)]
    public int NodeMemoryMiB { get; set; } = 2048;

    /// <summary>CPU limit of each node container in CPUs (0 = none).</summary>
    [Range(0, 64)]
    public double NodeCpus { get; set; } = 2;

    /// <summary>How long Cilium, the operator, hubble-relay and CoreDNS get to become ready.</summary>
    public TimeSpan ReadyTimeout { get; set; } = TimeSpan.FromMinutes(5);
}
