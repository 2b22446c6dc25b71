using System.Diagnostics;
using LabSite.Clusters.Netns.Bpf;
using LabSite.Clusters.Netns.Bpf.Interop;
using LabSite.Clusters.Netns.Kernel;

namespace LabSite.Clusters.Netns.Tests.Bpf;

/// <summary>
/// The tc and ring-buffer interop against the kernel: a tiny program (compiled here with clang) on a veth's
/// tc ingress inside a namespace reports every packet through a ring buffer; real pings drive it.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class BpfTcRingBufferPrivilegedTests : IDisposable
{
    private const string Source = """
        #include <linux/bpf.h>
        #include <bpf/bpf_helpers.h>
        struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } test_events SEC(".maps");
        SEC("tc") int count_packets(struct __sk_buff *skb)
        {
            __u32 *e = bpf_ringbuf_reserve(&test_events, sizeof(*e), 0);
            if (e) { *e = skb->len; bpf_ringbuf_submit(e, 0); }
            return 0;
        }
        char _license[] SEC("license") = "Dual BSD/GPL";
        """;

    private readonly string _id = Guid.NewGuid().ToString("N")[..6];
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "labsite-bpftest-" + Guid.NewGuid().ToString("N"));

    private BpfObject? _bpf;

    private string Ns1 => $"tbpf{_id}-a";

    private string Ns2 => $"tbpf{_id}-b";

    [Fact]
    public async Task TcProgramReportsPacketsThroughTheRingBuffer()
    {
        var (bpf, ifindex) = await AttachCounterAsync();

        var lengths = new List<uint>();
        using var events = bpf.RingBuffer("test_events", r => lengths.Add(BitConverter.ToUInt32(r)));
        Run("ip", "netns", "exec", Ns1, "ping", "-c", "2", "-i", "0.2", "-W", "2", "192.168.77.2");
        // Bounded polling: the records are already in the ring when ping returns.
        for (var i = 0; i < 20 && lengths.Count < 2; i++)
        {
            events.Poll(100);
        }

        Assert.True(lengths.Count >= 2, $"records: {lengths.Count}");
        Assert.Contains(lengths, l => l >= 84); // ICMP echo: 20 IP + 8 ICMP + 56 data (+ Ethernet)

        Assert.True(await NetnsThread.RunAsync(LabNames.NetnsPath(Ns2), () => BpfTc.Detach(ifindex, TcAttachPoint.Ingress)));
        Assert.Null(await NetnsThread.RunAsync(LabNames.NetnsPath(Ns2), () => BpfTc.QueryProgramId(ifindex, TcAttachPoint.Ingress)));
    }

    [Fact]
    public async Task StopEndsAPollAtTheNextRecordThoughMoreAreWaiting()
    {
        var (bpf, _) = await AttachCounterAsync();
        var handled = 0;
        BpfRingBuffer? ring = null;
        using var events = ring = bpf.RingBuffer("test_events", _ =>
        {
            handled++;
            ring!.Stop();
        });
        Run("ip", "netns", "exec", Ns1, "ping", "-c", "4", "-i", "0.2", "-W", "2", "192.168.77.2");

        var first = events.Poll(100);
        var second = events.Poll(100);

        // The poll handed out one record and returned though the other pings' records waited (without Stop it takes
        // them all at once); a stopped ring hands out no more.
        Assert.Equal((1, 0), (handled, first));
        Assert.Equal(0, second);
    }

    /// <summary>Two namespaces joined by a veth, the counter compiled and on vb's tc ingress (the object is disposed with the test).</summary>
    private async Task<(BpfObject Bpf, int IfIndex)> AttachCounterAsync()
    {
        Directory.CreateDirectory(_dir);
        var src = Path.Combine(_dir, "count.bpf.c");
        var obj = Path.Combine(_dir, "count.bpf.o");
        await File.WriteAllTextAsync(src, Source);
        Run("clang", "-O2", "-g", "-target", "bpf", "-I/usr/include/x86_64-linux-gnu", "-c", src, "-o", obj);
        Run("ip", "netns", "add", Ns1);
        Run("ip", "netns", "add", Ns2);
        Run("ip", "link", "add", "name", "va", "netns", Ns1, "type", "veth", "peer", "name", "vb", "netns", Ns2);
        Run("ip", "-n", Ns1, "addr", "add", "192.168.77.1/24", "dev", "va");
        Run("ip", "-n", Ns2, "addr", "add", "192.168.77.2/24", "dev", "vb");
        Run("ip", "-n", Ns1, "link", "set", "va", "up");
        Run("ip", "-n", Ns2, "link", "set", "vb", "up");

        var bpf = _bpf = BpfObject.Open(obj);
        bpf.Load();
        var program = bpf.Program("count_packets");
        var ifindex = await NetnsThread.RunAsync(LabNames.NetnsPath(Ns2), () =>
        {
            var index = (int)LabSite.Clusters.Netns.Kernel.Interop.Libc.IfNameToIndex("vb");
            BpfTc.Attach(index, TcAttachPoint.Ingress, program);
            return index;
        });
        Assert.NotNull(await NetnsThread.RunAsync(LabNames.NetnsPath(Ns2), () => BpfTc.QueryProgramId(ifindex, TcAttachPoint.Ingress)));

        return (bpf, ifindex);
    }

    public void Dispose()
    {
        _bpf?.Dispose();
        foreach (var ns in new[] { Ns1, Ns2 })
        {
            if (File.Exists(LabNames.NetnsPath(ns)))
            {
                Run("ip", "netns", "del", ns);
            }
        }

        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static void Run(string program, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var err = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{program} {string.Join(' ', args)}: {err}");
    }
}
