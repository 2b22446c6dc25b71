using System.Net;
using LabSite.Clusters.Netns.Bpf;
using LabSite.Clusters.Netns.Bpf.Abi;
using LabSite.Clusters.Netns.Bpf.Interop;
using LabSite.Clusters.Netns.Policy.Compile;

namespace LabSite.Clusters.Netns.Datapath;

/// <summary>
/// The policy datapath of one lab: bpf_lxc.bpf.o loaded once with its maps pinned in the lab's bpffs folder,
/// attached to every pod's node-side veth (from_container on tc ingress, to_container on tc egress), and the
/// map writes that program it: endpoints (ls_lxc), ipcache, one LPM policy map per endpoint (ls_pol_NNNNN,
/// held in ls_policy) and the per-entry packet/byte counters the datapath keeps (ls_polstats). Dumps for the
/// inspector live in <c>PolicyDatapath.Dump.cs</c>.
/// Callers serialise writes (the lab lock); attach/detach must run on a thread inside the node namespace.
/// </summary>
public sealed partial class PolicyDatapath : IDisposable
{
    public const string ObjectName = "bpf_lxc";

    private static readonly string[] s_pinnedMaps = ["ls_ipcache", "ls_lxc", "ls_policy", "ls_ct4", "ls_events", "ls_pol_tmpl", "ls_polstats", "ls_auth", "ls_node", "ls_signals"];

    private readonly BpfObject _obj;
    private readonly BpfProgram _fromContainer;
    private readonly BpfProgram _toContainer;
    private readonly BpfMap<IpcacheKeyAbi, RemoteEndpointInfoAbi> _ipcache;
    private readonly BpfMap<EndpointKeyAbi, EndpointInfoAbi> _lxc;
    private readonly BpfMap<uint, uint> _policyOuter;
    private readonly BpfMap<CtTupleAbi, CtEntryAbi> _ct;
    private readonly BpfMap<PolicyStatsKeyAbi, PolicyStatsValueAbi> _policyStats;
    private readonly Dictionary<ushort, BpfMap<PolicyKeyAbi, PolicyEntryAbi>> _policyMaps = [];
    private readonly Dictionary<ushort, Dictionary<PolicyKeyAbi, PolicyEntryAbi>> _programmed = [];

    /// <summary>Loads the object (maps pinned under <paramref name="pinDirectory"/>, reused when already there).</summary>
    public PolicyDatapath(string pinDirectory, string? objectPath = null)
    {
        PinDirectory = pinDirectory;
        Directory.CreateDirectory(pinDirectory);
        _obj = objectPath is null ? BpfObject.OpenBuilt(ObjectName) : BpfObject.Open(objectPath);
        try
        {
            foreach (var map in s_pinnedMaps)
            {
                _obj.SetMapPinPath(map, Path.Combine(pinDirectory, map));
            }
            _obj.Load();
            _fromContainer = _obj.Program("from_container");
            _toContainer = _obj.Program("to_container");
            _ipcache = _obj.Map<IpcacheKeyAbi, RemoteEndpointInfoAbi>("ls_ipcache");
            _lxc = _obj.Map<EndpointKeyAbi, EndpointInfoAbi>("ls_lxc");
            _policyOuter = _obj.Map<uint, uint>("ls_policy");
            _ct = _obj.Map<CtTupleAbi, CtEntryAbi>("ls_ct4");
            _policyStats = _obj.Map<PolicyStatsKeyAbi, PolicyStatsValueAbi>("ls_polstats");
            _auth = _obj.Map<AuthKeyAbi, AuthInfoAbi>("ls_auth");
            _nodeIds = _obj.Map<NodeIdKeyAbi, NodeIdValueAbi>("ls_node");
        }
        catch
        {
            _obj.Dispose();
            throw;
        }
    }

    public string PinDirectory { get; }

    /// <summary>The loaded bpf_lxc object (its programs' ids are the lab's, for bpftool).</summary>
    internal BpfObject Object => _obj;

    /// <summary>The pinned events ring, for a <see cref="BpfRingBuffer"/> reader.</summary>
    public string EventsPinPath => Path.Combine(PinDirectory, "ls_events");

    /// <summary>Kernel name and pin file of an endpoint's policy map (Cilium: cilium_policy_v2_00232).</summary>
    public static string PolicyMapName(ushort endpointId) => $"ls_pol_{endpointId:D5}";

    /// <summary>Attaches both programs to a node-side veth. Call on a thread inside the node namespace.</summary>
    public void Attach(int ifIndex)
    {
        BpfTc.Attach(ifIndex, TcAttachPoint.Ingress, _fromContainer);
        BpfTc.Attach(ifIndex, TcAttachPoint.Egress, _toContainer);
    }

    /// <summary>Attaches the overlay programs (traces, remote clients' ingress L7 redirect) to a node's cilium_vxlan. Call on a thread inside that node's namespace.</summary>
    public void AttachOverlay(int ifIndex)
    {
        BpfTc.Attach(ifIndex, TcAttachPoint.Ingress, _obj.Program("from_overlay"));
        BpfTc.Attach(ifIndex, TcAttachPoint.Egress, _obj.Program("to_overlay"));
    }

    /// <summary>
    /// Attaches the crypto trace programs to a node's IPsec device (to-crypto on egress, from-crypto on ingress). The
    /// device goes with its TUN descriptor, and the filters with it. Call on a thread inside that node's namespace.
    /// </summary>
    public void AttachCrypto(int ifIndex)
    {
        BpfTc.Attach(ifIndex, TcAttachPoint.Ingress, _obj.Program("from_crypto"));
        BpfTc.Attach(ifIndex, TcAttachPoint.Egress, _obj.Program("to_crypto"));
    }

    /// <summary>Detaches both programs (the device may already be gone with its pod). Call inside the node namespace.</summary>
    public void Detach(int ifIndex)
    {
        BpfTc.Detach(ifIndex, TcAttachPoint.Ingress);
        BpfTc.Detach(ifIndex, TcAttachPoint.Egress);
    }

    /// <summary>
    /// Adds or updates an endpoint: its address, veth, identity, which directions are enforced, and in a multi-node lab
    /// the underlay address of its node (the ipcache's tunnel endpoint, as Cilium's).
    /// </summary>
    public void UpsertEndpoint(ushort endpointId, IPAddress ip, int ifIndex, uint identity, bool ingressEnforced, bool egressEnforced, IPAddress? tunnelEndpoint = null)
    {
        var info = new EndpointInfoAbi
        {
            IfIndex = (uint)ifIndex,
            LxcId = endpointId,
            SecId = identity,
            Flags = (ingressEnforced ? EndpointInfoAbi.IngressEnforced : 0) | (egressEnforced ? EndpointInfoAbi.EgressEnforced : 0),
        };
        _lxc.Update(new EndpointKeyAbi(ip), info);
        UpsertIpcache(new IPNetwork(ip, 32), identity, tunnelEndpoint);
    }

    /// <summary>Removes an endpoint, its ipcache entry, its policy map and its counters (ids are reused).</summary>
    public void RemoveEndpoint(ushort endpointId, IPAddress ip)
    {
        _lxc.Delete(new EndpointKeyAbi(ip));
        RemoveIpcache(new IPNetwork(ip, 32));
        _policyOuter.Delete(endpointId);
        if (_policyMaps.Remove(endpointId, out var map))
        {
            map.Dispose();
        }
        _programmed.Remove(endpointId);
        foreach (var k in _policyStats.Keys().Where(k => k.EndpointId == endpointId))
        {
            _policyStats.Delete(k);
        }
        File.Delete(Path.Combine(PinDirectory, PolicyMapName(endpointId)));
    }

    public void UpsertIpcache(IPNetwork prefix, uint identity, IPAddress? tunnelEndpoint = null, byte flags = 0) =>
        _ipcache.Update(new IpcacheKeyAbi(prefix), new RemoteEndpointInfoAbi(identity, tunnelEndpoint, flags));

    public bool RemoveIpcache(IPNetwork prefix) => _ipcache.Delete(new IpcacheKeyAbi(prefix));

    /// <summary>
    /// Makes the endpoint's policy map hold exactly <paramref name="entries"/>: creates and pins the map on first
    /// use, then writes new or changed entries before deleting stale ones, so no packet sees a half-empty map.
    /// Returns how many keys were written and deleted.
    /// </summary>
    public (int Written, int Deleted) SetPolicy(ushort endpointId, IReadOnlyList<PolicyMapEntry> entries)
    {
        var map = PolicyMap(endpointId);
        var want = entries.ToDictionary(e => ToKey(e.Key), e => ToEntry(e));
        var have = _programmed.TryGetValue(endpointId, out var h) ? h : [];
        var written = 0;
        foreach (var (k, v) in want)
        {
            if (!have.TryGetValue(k, out var old) || !old.Equals(v))
            {
                map.Update(k, v);
                written++;
            }
        }
        var stale = have.Keys.Where(k => !want.ContainsKey(k)).ToList();
        foreach (var k in stale)
        {
            map.Delete(k);
            // A re-added entry starts from zero, as a new entry does in Cilium.
            _policyStats.Delete(new PolicyStatsKeyAbi(endpointId, k));
        }
        _programmed[endpointId] = want;
        return (written, stale.Count);
    }

    public static PolicyKeyAbi ToKey(PolicyKey k) =>
        new(k.Identity.Value, k.Direction == Policy.Api.TrafficDirection.Egress, (byte)k.Protocol, k.Port, k.PortPrefixLength);

    public static PolicyEntryAbi ToEntry(PolicyMapEntry e) =>
        new(e.Verdict.Deny, e.Key.PortPrefixLength, e.Verdict.ProxyPort, e.Verdict.ProxyPortPriority) { AuthType = e.Verdict.AuthType };

    private BpfMap<PolicyKeyAbi, PolicyEntryAbi> PolicyMap(ushort endpointId)
    {
        if (_policyMaps.TryGetValue(endpointId, out var map))
        {
            return map;
        }
        var pin = Path.Combine(PinDirectory, PolicyMapName(endpointId));
        // A restarted agent finds the pinned map; otherwise create one shaped like ls_pol_tmpl.
        map = File.Exists(pin)
            ? BpfMap<PolicyKeyAbi, PolicyEntryAbi>.OpenPinned(pin)
            : BpfMapCreate.LpmTrie<PolicyKeyAbi, PolicyEntryAbi>(PolicyMapName(endpointId), PolicyMapEntries);
        if (!File.Exists(pin))
        {
            map.Pin(pin);
        }
        _policyOuter.Update(endpointId, (uint)map.Fd.Value);
        _policyMaps[endpointId] = map;
        return map;
    }

    /// <summary>Must equal POLICY_MAP_ENTRIES in bpf/lib/policy.h: inner maps must match the outer map's template.</summary>
    public const uint PolicyMapEntries = 16384;

    public void Dispose()
    {
        foreach (var m in _policyMaps.Values)
        {
            m.Dispose();
        }
        _ipcache.Dispose();
        _lxc.Dispose();
        _policyOuter.Dispose();
        _ct.Dispose();
        _policyStats.Dispose();
        _auth.Dispose();
        _nodeIds.Dispose();
        _obj.Dispose();
    }
}
