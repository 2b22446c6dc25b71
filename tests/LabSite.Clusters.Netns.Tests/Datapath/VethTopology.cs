using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using LabSite.Clusters.Netns.Kernel;

namespace LabSite.Clusters.Netns.Tests.Datapath;

/// <summary>
/// A private test topology shaped like a lab: a node namespace and two pod namespaces, each pod joined to the
/// node by a veth (node side lxc...), pods routed via 169.254.1.1 held by the node on every pod veth.
/// Built with iproute2; removed on dispose. Names carry a random suffix, so parallel runs never collide.
/// </summary>
public sealed class VethTopology : IDisposable
{
    public const string Gateway = "169.254.1.1";

    private readonly string _id = Guid.NewGuid().ToString("N")[..6];

    public VethTopology()
    {
        Node = $"lspn-{_id}";
        Pods = [new Pod($"lspa-{_id}", $"lxa{_id}", IPAddress.Parse("10.250.0.1")), new Pod($"lspb-{_id}", $"lxb{_id}", IPAddress.Parse("10.250.0.2"))];
        Ip("netns", "add", Node);
        Ip("-n", Node, "link", "set", "lo", "up");
        Sh($"ip netns exec {Node} sysctl -qw net.ipv4.ip_forward=1");
        foreach (var p in Pods)
        {
            Ip("netns", "add", p.Netns);
            Ip("-n", p.Netns, "link", "set", "lo", "up");
            Ip("-n", Node, "link", "add", p.NodeVeth, "type", "veth", "peer", "name", "eth0", "netns", p.Netns);
            Ip("-n", Node, "addr", "add", Gateway + "/32", "dev", p.NodeVeth);
            Ip("-n", Node, "link", "set", p.NodeVeth, "up");
            Ip("-n", Node, "route", "add", p.Address + "/32", "dev", p.NodeVeth);
            Ip("-n", p.Netns, "addr", "add", p.Address + "/32", "dev", "eth0");
            Ip("-n", p.Netns, "link", "set", "eth0", "up");
            Ip("-n", p.Netns, "route", "add", Gateway, "dev", "eth0", "scope", "link");
            Ip("-n", p.Netns, "route", "add", "default", "via", Gateway, "dev", "eth0");
            p.IfIndex = (int)JsonNode.Parse(Ip("-n", Node, "-j", "link", "show", "dev", p.NodeVeth))!.AsArray()[0]!["ifindex"]!;
        }
    }

    public sealed class Pod(string netns, string nodeVeth, IPAddress address)
    {
        public string Netns { get; } = netns;
        public string NodeVeth { get; } = nodeVeth;
        public IPAddress Address { get; } = address;
        public int IfIndex { get; set; }
    }

    public string Node { get; }

    public IReadOnlyList<Pod> Pods { get; }

    public static string NetnsPath(string netns) => "/run/netns/" + netns;

    /// <summary>A TCP listener inside a pod that accepts and closes every connection (bounded by disposal).</summary>
    public async Task<Socket> ListenAsync(Pod pod, int port)
    {
        var s = await NetnsThread.RunAsync(NetnsPath(pod.Netns), () =>
        {
            var sock = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            sock.Bind(new IPEndPoint(IPAddress.Any, port));
            sock.Listen(16);
            return sock;
        });
        _ = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    using var c = await s.AcceptAsync();
                    await c.SendAsync("ok\n"u8.ToArray());
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Listener closed at the end of the test.
            }
        });
        return s;
    }

    /// <summary>Connects from a pod; true when the handshake completed within <paramref name="timeout"/>.</summary>
    public async Task<bool> ConnectAsync(Pod from, IPAddress to, int port, TimeSpan timeout)
    {
        var sock = await NetnsThread.RunAsync(NetnsPath(from.Netns), () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        using (sock)
        {
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await sock.ConnectAsync(new IPEndPoint(to, port), cts.Token);
                var buf = new byte[8];
                var n = await sock.ReceiveAsync(buf, SocketFlags.None, cts.Token);
                return n > 0;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            catch (SocketException)
            {
                return false;
            }
        }
    }

    public void Dispose()
    {
        foreach (var ns in Pods.Select(p => p.Netns).Append(Node))
        {
            Run("ip", ["netns", "del", ns], check: false);
        }
    }

    public static string Ip(params string[] args) => Run("ip", args, check: true);

    public static string Bpftool(params string[] args) => Run("bpftool", args, check: true);

    private static string Sh(string command) => Run("sh", ["-c", command], check: true);

    private static string Run(string program, string[] args, bool check)
    {
        var psi = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (check && p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)}: exit {p.ExitCode}: {stderr.Trim()}");
        }
        return stdout;
    }
}
