using System.ComponentModel.DataAnnotations;

namespace LabSite.Clusters.Netns;

/// <summary>
/// Settings of the netns backend, bound from the <c>NetnsOptions</c> configuration section.
/// Every kernel object a lab owns is named under these roots, which is what garbage collection relies on.
/// </summary>
public sealed class NetnsOptions
{
    /// <summary>Prefix of network namespace names: <c>&lt;prefix&gt;-&lt;lab&gt;-node</c>. Tests use their own prefix.</summary>
    [Required]
    [RegularExpression("^[a-z][a-z0-9]{1,7}$", ErrorMessage = "NetnsOptions:NamePrefix must be 2-8 lowercase letters/digits starting with a letter")]
    public string NamePrefix { get; set; } = "ls";

    /// <summary>
    /// Whether labs list their Cilium agents as objects (the DaemonSet <c>kube-system/cilium</c>, a pod per node). Off only
    /// for a lab that stands in for another cluster's Kubernetes API in tests (the kind backend's), where that cluster's
    /// own DaemonSet would make its agent pods.
    /// </summary>
    public bool CiliumAgentPods { get; set; } = true;

    /// <summary>bpffs directory holding one folder of pinned maps per lab.</summary>
    [Required]
    public string BpffsRoot { get; set; } = "/sys/fs/bpf/labsite";

    /// <summary>cgroup-v2 directory holding one cgroup per lab (socket-LB attaches there; exec'd programs run there).</summary>
    [Required]
    public string CgroupRoot { get; set; } = "/sys/fs/cgroup/unified/labsite";

    /// <summary>
    /// Generated per-lab files (hosts, resolv.conf, passwd) bound into exec sandboxes. Garbage collection
    /// treats every folder here as a lab's, so it is a folder of its own, not /run/labsite (the agent's socket).
    /// </summary>
    [Required]
    public string RunDirectory { get; set; } = "/run/labsite/labs";

    /// <summary>Labs at once on this host; each gets a slot that fixes its pod and service ranges.</summary>
    [Range(1, 200)]
    public int MaxClusters { get; set; } = 100;

    /// <summary>
    /// Exec'd programs run as a uid/gid of ExecUidBase .. ExecUidBase + ExecUidCount - 1, one per lab and distinct across
    /// every lab host on this machine (claimed with a lock file), so process limits count per lab.
    /// </summary>
    [Range(1000, 2_000_000_000)]
    public int ExecUidBase { get; set; } = 200_000;

    /// <summary>How many exec uids labs on this machine may claim.</summary>
    [Range(1, 65536)]
    public int ExecUidCount { get; set; } = 4096;

    /// <summary>Host-wide folder of the exec uid claims: shared by every lab host of the machine, whatever its RunDirectory.</summary>
    [Required]
    public string ExecUidLockDirectory { get; set; } = "/run/labsite-exec-uids";

    /// <summary>Upper bound on one exec when the request sets none.</summary>
    [Range(1, 3600)]
    public int ExecTimeoutSeconds { get; set; } = 60;

    /// <summary>Upper bound on one interactive (TTY) exec, such as <c>kubectl exec -it pod -- sh</c>.</summary>
    [Range(1, 86400)]
    public int ExecSessionSeconds { get; set; } = 3600;

    /// <summary>RLIMIT_AS of an exec'd program, in MiB.</summary>
    [Range(64, 65536)]
    public int ExecMemoryMiB { get; set; } = 1024;

    /// <summary>RLIMIT_NPROC of a lab's exec user (all its exec'd programs together).</summary>
    [Range(4, 4096)]
    public int ExecMaxProcesses { get; set; } = 128;

    /// <summary>
    /// Cilium's <c>--tofqdns-min-ttl</c>: DNS answers the DNS proxy records stay in the FQDN cache (and allowed by
    /// toFQDNs) for at least this many seconds, whatever their TTL. 0, Cilium's default, keeps the answers' TTLs.
    /// </summary>
    [Range(0, 86400)]
    public int FqdnMinTtl { get; set; }

    /// <summary>
    /// Lifetime of the identity certificates the lab's CA issues for mutual authentication, and so of the auth map
    /// entries a handshake writes (SPIRE's default X509-SVID TTL is one hour).
    /// </summary>
    public TimeSpan MutualAuthCertificateLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Directory of the built .bpf.o files; empty means bpf/ beside the Sandbox assembly.</summary>
    public string BpfObjectDirectory { get; set; } = "";
}
