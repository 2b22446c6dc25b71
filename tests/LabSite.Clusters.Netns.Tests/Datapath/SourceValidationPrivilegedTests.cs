using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Netns.Datapath;
using LabSite.Clusters.Netns.Flows;
using LabSite.Clusters.Netns.Identity;
using LabSite.Clusters.Netns.Kernel;
using LabSite.Clusters.Netns.Policy.Compile;

namespace LabSite.Clusters.Netns.Tests.Datapath;

/// <summary>
/// bpf_lxc.bpf.o drops packets leaving a pod with a source that is not the pod's own (DROP_INVALID_SIP, 132):
/// raw IPv4/UDP packets written from inside the client pod's netns, forged and genuine.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class SourceValidationPrivilegedTests : IDisposable
{
    private const int Port = 7777;
    private static readonly IPAddress s_unknown = IPAddress.Parse("10.250.0.77");

    private readonly VethTopology _net = new();
    private readonly string _pins = $"/sys/fs/bpf/labsite-test-sv-{Guid.NewGuid():N}"[..42];
    private readonly PolicyEngine _engine = new(new IdentityAllocator());
    private readonly PolicyDatapath _dp;
    private readonly FlowRing _flows = new();
    private readonly LabEndpointLookup _lookup;
    private readonly FlowPump _pump;

    private VethTopology.Pod Client => _net.Pods[0];

    private VethTopology.Pod Server => _net.Pods[1];

    public SourceValidationPrivilegedTests()
    {
        _dp = new PolicyDatapath(_pins);
        _lookup = new LabEndpointLookup("test-node", _engine);
        _pump = new FlowPump(_dp.EventsPinPath, new FlowDecoder(_lookup, new MonotonicClock()), _flows);
        NetnsThread.RunAsync(VethTopology.NetnsPath(_net.Node), () =>
        {
            foreach (var p in _net.Pods)
            {
                _dp.Attach(p.IfIndex);
            }
        }).GetAwaiter().GetResult();
        _dp.UpsertIpcache(IPNetwork.Parse("0.0.0.0/0"), NumericIdentity.World.Value);
        AddPod(0, "client");
        AddPod(1, "server");
    }

    private void AddPod(int index, string name)
    {
        var pod = _net.Pods[index];
        var id = new EndpointId((ushort)(index + 1));
        var set = IdentityLabels.ForPod("default", new Dictionary<string, string> { ["app"] = name });
        _lookup.Register(pod.Address, new EndpointView(id.Value, "default", name, set.Labels.Select(l => l.ToString()).ToList(), []));
        foreach (var p in _engine.Upsert(new EndpointInfo(id, "default", name, set, [], pod.Address)))
        {
            var target = _net.Pods[p.Endpoint.Value - 1];
            _dp.UpsertEndpoint(p.Endpoint.Value, target.Address, target.IfIndex, p.Identity.Value, p.IngressEnforced, p.EgressEnforced);
            _dp.SetPolicy(p.Endpoint.Value, p.Entries);
        }
    }

    [Fact]
    public async Task Forged_sources_are_dropped_with_reason_132_and_the_genuine_one_arrives()
    {
        using var receiver = await NetnsThread.RunAsync(VethTopology.NetnsPath(Server.Netns), () =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(IPAddress.Any, Port));
            return s;
        });
        using var raw = await NetnsThread.RunAsync(VethTopology.NetnsPath(Client.Netns),
            () => new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Raw)); // IPPROTO_RAW: we write the IP header

        // An address no pod has, and the target's own address (borrowing its identity); then the client's real one.
        raw.SendTo(Packet(s_unknown, Server.Address, "forged-unknown"), new IPEndPoint(Server.Address, 0));
        raw.SendTo(Packet(Server.Address, Server.Address, "forged-pod"), new IPEndPoint(Server.Address, 0));
        raw.SendTo(Packet(Client.Address, Server.Address, "genuine"), new IPEndPoint(Server.Address, 0));

        var received = new List<string>();
        var buf = new byte[256];
        while (true)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(received.Count == 0 ? 10 : 1));
            try
            {
                var r = await receiver.ReceiveFromAsync(buf, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), cts.Token);
                received.Add(Encoding.ASCII.GetString(buf, 0, r.ReceivedBytes));
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        Assert.Equal(["genuine"], received);

        bool InvalidSource(Flow f, IPAddress src) => f.EventType?.Type == MonitorEventType.Drop && f.IP?.Source == src.ToString();
        var flows = await FlowsAsync(f => InvalidSource(f, s_unknown)
            && _flows.History(last: null).Any(r => InvalidSource(r.Flow, Server.Address)));
        foreach (var src in new[] { s_unknown, Server.Address })
        {
            var drop = flows.Select(r => r.Flow).First(f => InvalidSource(f, src));
            Assert.Equal(Verdict.DROPPED, drop.Verdict);
            Assert.Equal(132u, drop.DropReason);
            Assert.Equal(DropReason.INVALID_SOURCE_IP, drop.DropReasonDesc);
            Assert.Equal(Server.Address.ToString(), drop.IP!.Destination);
        }
        Assert.DoesNotContain(flows, r => r.Flow.EventType?.Type == MonitorEventType.Drop && r.Flow.IP?.Source == Client.Address.ToString());
    }

    private async Task<IReadOnlyList<FlowRecord>> FlowsAsync(Func<Flow, bool> until)
    {
        for (var i = 0; i < 50; i++)
        {
            var all = _flows.History(last: null);
            if (all.Any(r => until(r.Flow)))
            {
                return all;
            }
            await Task.Delay(100);
        }
        return _flows.History(last: null);
    }

    /// <summary>IPv4 + UDP with the given source; the kernel fills the IP checksum, UDP checksum 0 means none.</summary>
    private static byte[] Packet(IPAddress src, IPAddress dst, string payload)
    {
        var data = Encoding.ASCII.GetBytes(payload);
        var p = new byte[28 + data.Length];
        p[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), (ushort)p.Length);
        p[8] = 64;
        p[9] = (byte)ProtocolType.Udp;
        src.GetAddressBytes().CopyTo(p, 12);
        dst.GetAddressBytes().CopyTo(p, 16);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(20), 40000);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(22), Port);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(24), (ushort)(8 + data.Length));
        data.CopyTo(p, 28);
        return p;
    }

    public void Dispose()
    {
        _pump.Dispose();
        _dp.Dispose();
        _net.Dispose();
        if (Directory.Exists(_pins))
        {
            foreach (var f in Directory.GetFiles(_pins))
            {
                File.Delete(f);
            }
            Directory.Delete(_pins);
        }
    }
}
