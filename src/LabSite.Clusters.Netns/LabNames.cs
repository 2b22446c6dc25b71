using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace LabSite.Clusters.Netns;

/// <summary>
/// Names of every kernel object of one lab, derived from the options and the lab's name, so creation,
/// teardown and garbage collection agree: netns <c>ls-lab1-node</c>, <c>ls-lab1-p3</c>; pins under
/// <c>/sys/fs/bpf/labsite/lab1/</c>; cgroup <c>/sys/fs/cgroup/unified/labsite/lab1</c>.
/// </summary>
public sealed partial class LabNames
{
    public const int MaxNameLength = 24;

    public LabNames(NetnsOptions options, string lab)
    {
        Lab = lab;
        Prefix = options.NamePrefix;
        NodeNetns = $"{Prefix}-{lab}-node";
        RouterNetns = $"{Prefix}-{lab}-rtr";
        BpffsDirectory = Path.Combine(options.BpffsRoot, lab);
        CgroupDirectory = Path.Combine(options.CgroupRoot, lab);
        RunDirectory = Path.Combine(options.RunDirectory, lab);
    }

    public string Lab { get; }

    public string Prefix { get; }

    public string NodeNetns { get; }

    /// <summary>The lab's top-of-rack router (Router/LabRouter), only in labs that use BGP.</summary>
    public string RouterNetns { get; }

    public string BpffsDirectory { get; }

    public string CgroupDirectory { get; }

    public string RunDirectory { get; }

    public static string NetnsPath(string netns) => "/run/netns/" + netns;

    /// <summary>Node <paramref name="node"/>'s namespace (0-based): node 0 is <see cref="NodeNetns"/>, then <c>-node2</c>, <c>-node3</c>.</summary>
    public string NodeNetnsOf(int node) => node == 0 ? NodeNetns : $"{NodeNetns}{node + 1}";

    /// <summary>The namespace holding a multi-node lab's underlay bridge.</summary>
    public string UnderlayNetns => $"{Prefix}-{Lab}-underlay";

    /// <summary>A pod's namespace by its per-lab sequence number (pod names can be 253 characters; these stay short).</summary>
    public string PodNetns(int podNumber) => $"{Prefix}-{Lab}-p{podNumber}";

    /// <summary>The node-side veth: "lxc" + 12 hex digits of a hash, Cilium's pattern, 15 characters (IFNAMSIZ - 1).</summary>
    public static string NodeVeth(string @namespace, string pod, int podNumber)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{@namespace}/{pod}/{podNumber}"));
        return "lxc" + Convert.ToHexStringLower(hash)[..12];
    }

    /// <summary>Checks a cluster name: 1-24 of a-z, 0-9, '-', starting and ending alphanumeric.</summary>
    public static string? Validate(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength || !NamePattern().IsMatch(name))
        {
            return $"cluster name \"{Truncate(name)}\" is invalid: use 1-{MaxNameLength} characters a-z, 0-9 and '-', starting and ending with a letter or digit";
        }

        return null;
    }

    private static string Truncate(string s) => s.Length > 40 ? s[..40] + "..." : s;

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex NamePattern();
}
