using System.Net;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Bpf;
using LabSite.Clusters.Netns.Bpf.Abi;
using LabSite.Clusters.Netns.Bpf.Interop;

namespace LabSite.Clusters.Netns.Services;

/// <summary>
/// The lab's socket-LB: loads bpf_sock.bpf.o with its maps pinned in the lab's bpffs folder, attaches the
/// sock_addr programs to the lab's cgroup, and writes service/backend entries. Callers hold the lab lock.
/// </summary>
internal sealed class ServiceLoadBalancer : IDisposable
{
    private readonly BpfObject _obj;
    private readonly BpfMap<Lb4Key, Lb4Service> _services;
    private readonly BpfMap<uint, Lb4Backend> _backends;
    private readonly BpfMap<ushort, Lb4ReverseNat> _reverseNat;
    private readonly Dictionary<(IPAddress, int, L4Protocol), uint> _backendIds = [];
    private readonly Dictionary<(IPAddress, int, L4Protocol), ServiceEntry> _frontends = [];
    private uint _nextBackendId = 1;

    private static readonly (string Program, BpfAttachType Hook)[] s_hooks =
    [
        ("sock4_connect", BpfAttachType.CgroupInet4Connect),
        ("sock4_sendmsg", BpfAttachType.CgroupUdp4Sendmsg),
        ("sock4_recvmsg", BpfAttachType.CgroupUdp4Recvmsg),
        ("sock4_getpeername", BpfAttachType.CgroupInet4Getpeername),
    ];

    public ServiceLoadBalancer(string objectPath, string pinDirectory, string cgroupDirectory)
    {
        _obj = BpfObject.Open(objectPath);
        try
        {
            _obj.PinAllMapsUnder(pinDirectory);
            _obj.Load();
            foreach (var (program, hook) in s_hooks)
            {
                BpfCgroup.Attach(cgroupDirectory, _obj.Program(program), hook);
            }

            _services = _obj.Map<Lb4Key, Lb4Service>("ls_lb4_services");
            _backends = _obj.Map<uint, Lb4Backend>("ls_lb4_backends");
            _reverseNat = _obj.Map<ushort, Lb4ReverseNat>("ls_lb4_reverse_nat");
        }
        catch
        {
            _obj.Dispose();
            throw;
        }
    }

    /// <summary>The loaded bpf_sock object (its programs' ids are the lab's, for bpftool).</summary>
    public BpfObject Object => _obj;

    /// <summary>Frontends with their current backends, sorted by id so dumps are stable.</summary>
    public IReadOnlyList<ServiceEntry> Entries => _frontends.Values.OrderBy(e => e.Id).ToList();

    /// <summary>
    /// Sets one frontend's backends. Order matters to the datapath, which reads count then slots:
    /// growing writes backends and slots before the count; shrinking lowers the count before deleting slots.
    /// </summary>
    public void SetFrontend(ServiceEntry entry)
    {
        var proto = ParseProtocol(entry.Protocol);
        var frontendKey = new Lb4Key(entry.Frontend, entry.Port, proto, 0);
        var oldCount = _services.TryLookup(frontendKey, out var old) ? old.Count : 0;
        var rev = (ushort)entry.Id;
        _reverseNat.Update(rev, new Lb4ReverseNat { AddressNetworkOrder = NetworkOrder.FromAddress(entry.Frontend), PortNetworkOrder = NetworkOrder.FromPort(entry.Port) });

        var count = (ushort)entry.Backends.Count;
        if (count < oldCount)
        {
            _services.Update(frontendKey, new Lb4Service { Count = count, RevNatIndex = rev });
        }

        for (var i = 0; i < entry.Backends.Count; i++)
        {
            var b = entry.Backends[i];
            var id = BackendId(b.Ip, b.Port, proto);
            _services.Update(new Lb4Key(entry.Frontend, entry.Port, proto, (ushort)(i + 1)), new Lb4Service { BackendId = id, RevNatIndex = rev });
        }

        _services.Update(frontendKey, new Lb4Service { Count = count, RevNatIndex = rev });
        for (var slot = count + 1; slot <= oldCount; slot++)
        {
            _services.Delete(new Lb4Key(entry.Frontend, entry.Port, proto, (ushort)slot));
        }

        _frontends[(entry.Frontend, entry.Port, proto)] = entry;
        CollectUnusedBackends();
    }

    public void RemoveFrontend(IPAddress frontend, int port, string protocol)
    {
        var proto = ParseProtocol(protocol);
        var key = new Lb4Key(frontend, port, proto, 0);
        if (_services.TryLookup(key, out var svc))
        {
            _services.Delete(key);
            for (var slot = 1; slot <= svc.Count; slot++)
            {
                _services.Delete(new Lb4Key(frontend, port, proto, (ushort)slot));
            }

            _reverseNat.Delete(svc.RevNatIndex);
        }

        _frontends.Remove((frontend, port, proto));
        CollectUnusedBackends();
    }

    /// <summary>The raw map contents (read back from the kernel), for <c>cilium-dbg bpf lb list</c>-style dumps.</summary>
    public IReadOnlyList<KeyValuePair<Lb4Key, Lb4Service>> ServiceMap() => _services.Entries();

    public IReadOnlyList<KeyValuePair<uint, Lb4Backend>> BackendMap() => _backends.Entries();

    public IReadOnlyList<LbMapRow> Rows()
    {
        var byId = _backends.Entries().ToDictionary(e => e.Key, e => e.Value);
        return _services.Entries()
            .Select(e =>
            {
                var k = e.Key;
                var backend = k.BackendSlot == 0 || !byId.TryGetValue(e.Value.BackendId, out var b) ? (IPEndPoint?)null : new IPEndPoint(b.Address, b.Port);
                return new LbMapRow(new IPEndPoint(k.Address, k.Port), ((L4Protocol)k.Proto).ToString().ToUpperInvariant(), k.BackendSlot, e.Value.RevNatIndex,
                    k.BackendSlot == 0 ? e.Value.Count : 0, k.BackendSlot == 0 ? null : e.Value.BackendId, backend);
            })
            .OrderBy(r => r.Frontend.Address.GetAddressBytes(), ByteOrder.Instance).ThenBy(r => r.Frontend.Port).ThenBy(r => r.Slot)
            .ToList();
    }

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => ((ReadOnlySpan<byte>)x).SequenceCompareTo(y);
    }

    public void Dispose()
    {
        _services.Dispose();
        _backends.Dispose();
        _reverseNat.Dispose();
        _obj.Dispose();
    }

    private uint BackendId(IPAddress ip, int port, L4Protocol proto)
    {
        if (!_backendIds.TryGetValue((ip, port, proto), out var id))
        {
            id = _nextBackendId++;
            _backendIds[(ip, port, proto)] = id;
            _backends.Update(id, new Lb4Backend(ip, port, proto));
        }

        return id;
    }

    private void CollectUnusedBackends()
    {
        var used = _frontends.SelectMany(f => f.Value.Backends.Select(b => (b.Ip, b.Port, ParseProtocol(b.Protocol)))).ToHashSet();
        foreach (var stale in _backendIds.Keys.Where(k => !used.Contains(k)).ToList())
        {
            _backends.Delete(_backendIds[stale]);
            _backendIds.Remove(stale);
        }
    }

    private static L4Protocol ParseProtocol(string protocol) => protocol.ToUpperInvariant() switch
    {
        "TCP" => L4Protocol.Tcp,
        "UDP" => L4Protocol.Udp,
        "SCTP" => L4Protocol.Sctp,
        _ => throw new ClusterException($"service protocol \"{protocol}\" is not TCP, UDP or SCTP"),
    };
}
