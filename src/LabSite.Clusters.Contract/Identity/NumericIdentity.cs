namespace LabSite.Clusters.Contract.Identity;

/// <summary>
/// A security identity as the datapath sees it: the number the ipcache maps an IP to and the policy map is keyed by.
/// Reserved values keep Cilium's numbers (pkg/identity/numericidentity.go) so flows, <c>bpf policy get</c> and
/// <c>identity list</c> read the same on both backends.
/// </summary>
public readonly record struct NumericIdentity(uint Value) : IComparable<NumericIdentity>
{
    /// <summary>No identity known (prints as <c>unknown</c>; in a policy key it is the wildcard <c>ANY</c>).</summary>
    public static readonly NumericIdentity Unknown = new(0);

    /// <summary>The local node (its own addresses, incl. the pod gateway).</summary>
    public static readonly NumericIdentity Host = new(1);

    /// <summary>Anything outside the cluster not covered by a CIDR identity.</summary>
    public static readonly NumericIdentity World = new(2);

    /// <summary>Pods not managed by Cilium.</summary>
    public static readonly NumericIdentity Unmanaged = new(3);

    /// <summary>The agent's health-check endpoint.</summary>
    public static readonly NumericIdentity Health = new(4);

    /// <summary>An endpoint whose labels are not known yet.</summary>
    public static readonly NumericIdentity Init = new(5);

    /// <summary>Other nodes of the cluster.</summary>
    public static readonly NumericIdentity RemoteNode = new(6);

    /// <summary>The Kubernetes API server.</summary>
    public static readonly NumericIdentity KubeApiServer = new(7);

    /// <summary>Cilium's ingress (Envoy) endpoint.</summary>
    public static readonly NumericIdentity Ingress = new(8);

    /// <summary>World, IPv4 half (used only in dual-stack clusters).</summary>
    public static readonly NumericIdentity WorldIPv4 = new(9);

    /// <summary>World, IPv6 half (used only in dual-stack clusters).</summary>
    public static readonly NumericIdentity WorldIPv6 = new(10);

    /// <summary>Traffic of the encrypted overlay.</summary>
    public static readonly NumericIdentity EncryptedOverlay = new(11);

    /// <summary>First identity allocated for a label set (Cilium's MinimalNumericIdentity).</summary>
    public static readonly NumericIdentity MinimalAllocation = new(256);

    /// <summary>Last cluster-scoped identity for cluster-id 0.</summary>
    public static readonly NumericIdentity MaximalAllocation = new(65535);

    /// <summary>Bit 24 marks node-local identities (CIDR, FQDN); the first one is 16777217.</summary>
    public const uint LocalScopeFlag = 0x01000000;

    private static readonly (NumericIdentity Id, string Name)[] s_reservedNames =
    [
        (Unknown, "unknown"), (Host, "host"), (World, "world"), (Unmanaged, "unmanaged"), (Health, "health"),
        (Init, "init"), (RemoteNode, "remote-node"), (KubeApiServer, "kube-apiserver"), (Ingress, "ingress"),
        (WorldIPv4, "world-ipv4"), (WorldIPv6, "world-ipv6"), (EncryptedOverlay, "encrypted-overlay"),
    ];

    private static readonly Dictionary<uint, string> s_nameByValue = s_reservedNames.ToDictionary(r => r.Id.Value, r => r.Name);
    private static readonly Dictionary<string, NumericIdentity> s_valueByName = s_reservedNames.ToDictionary(r => r.Name, r => r.Id);

    /// <summary>True for 0–255: Cilium's reserved, well-known and user-reserved range.</summary>
    public bool IsReserved => Value < MinimalAllocation.Value;

    /// <summary>True for CIDR/FQDN identities (local scope).</summary>
    public bool IsLocalScope => (Value & LocalScopeFlag) != 0;

    /// <summary>The reserved name ("host", "world", ...), or null for other identities.</summary>
    public string? ReservedName => s_nameByValue.GetValueOrDefault(Value);

    /// <summary>The reserved identity called <paramref name="name"/> ("host", "remote-node", ...), if any.</summary>
    public static NumericIdentity? FromReservedName(string name) =>
        s_valueByName.TryGetValue(name, out var id) ? id : null;

    /// <summary>Every reserved identity with its name, in numeric order.</summary>
    public static IReadOnlyList<(NumericIdentity Id, string Name)> Reserved => s_reservedNames;

    public int CompareTo(NumericIdentity other) => Value.CompareTo(other.Value);

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
