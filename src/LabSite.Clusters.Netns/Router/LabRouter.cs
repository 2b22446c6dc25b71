using System.Diagnostics;
using System.Globalization;
using System.Text;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Bgp;
using LabSite.Clusters.Netns.Kernel;

namespace LabSite.Clusters.Netns.Router;

/// <summary>
/// A lab's top-of-rack router: its own namespace (<see cref="LabNames.RouterNetns"/>) joined to the node by a veth on
/// <see cref="BgpLink"/>, running Debian's FRR (zebra + bgpd) with a generated config, AS <see cref="BgpLink.RouterAsn"/>,
/// accepting eBGP sessions from any node address of the link (a dynamic-neighbor listen range), and installing what it
/// learns into its kernel routing table, so the router side really reaches what the nodes advertise. The daemons run
/// as FRR's user in the lab cgroup (killed with the lab, found by garbage collection), with their pid files, logs and
/// vty sockets under the lab's run folder; the host's frr service is never used.
/// </summary>
internal sealed class LabRouter : IAsyncDisposable
{
    private const string FrrDaemons = "/usr/lib/frr";
    private readonly LabNames _names;

    private LabRouter(LabNames names, string directory)
    {
        _names = names;
        Directory = directory;
    }

    /// <summary>Config, pid files, logs and the vty sockets vtysh talks to.</summary>
    public string Directory { get; }

    public string Netns => _names.RouterNetns;

    public static async Task<LabRouter> StartAsync(LabNames names, CancellationToken ct)
    {
        if (!File.Exists(Path.Combine(FrrDaemons, "bgpd")) || !File.Exists("/usr/bin/vtysh"))
        {
            throw new ClusterException("this lab needs FRR for its router: run scripts/setup.sh (installs Debian's frr)");
        }
        var dir = Path.Combine(names.RunDirectory, "router");
        System.IO.Directory.CreateDirectory(dir);
        var router = new LabRouter(names, dir);
        try
        {
            await new IpBatch(null)
                .Add($"netns add {names.RouterNetns}")
                .Add($"link add name {BgpLink.NodeInterface} netns {names.NodeNetns} type veth peer name {BgpLink.RouterInterface(0)} netns {names.RouterNetns}")
                .RunAsync($"create router namespace {names.RouterNetns}", ct);
            await new IpBatch(names.RouterNetns)
                .Add("link set lo up")
                .Add($"addr add {BgpLink.RouterIp}/{BgpLink.PrefixLength} dev {BgpLink.RouterInterface(0)}")
                .Add($"link set dev {BgpLink.RouterInterface(0)} up")
                .RunAsync($"configure router namespace {names.RouterNetns}", ct);
            await new IpBatch(names.NodeNetns)
                .Add($"addr add {BgpLink.NodeIp(0)}/{BgpLink.PrefixLength} dev {BgpLink.NodeInterface}")
                .Add($"link set dev {BgpLink.NodeInterface} up")
                .RunAsync($"link {names.NodeNetns} to its router", ct);
            await NetnsThread.WriteSysctlsAsync(LabNames.NetnsPath(names.RouterNetns), new Dictionary<string, string> { ["net.ipv4.ip_forward"] = "1" });

            await File.WriteAllTextAsync(Path.Combine(dir, "zebra.conf"), "hostname router\n", ct);
            await File.WriteAllTextAsync(Path.Combine(dir, "bgpd.conf"), BgpdConfig(), ct);
            await File.WriteAllTextAsync(Path.Combine(dir, "vtysh.conf"), "", ct);
            Chown(dir);
            await router.StartDaemonAsync("zebra", ["-f", Path.Combine(dir, "zebra.conf")], ct);
            await router.StartDaemonAsync("bgpd", ["-f", Path.Combine(dir, "bgpd.conf"), "-p", "179"], ct);
            return router;
        }
        catch
        {
            await router.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// bgpd's config: AS 65000, router-id on the link, eBGP with any node of the link (a dynamic-neighbor range),
    /// no import/export policy needed (labs are not the internet), short timers so sessions come and go in seconds.
    /// </summary>
    internal static string BgpdConfig()
    {
        var sb = new StringBuilder();
        sb.Append("frr defaults datacenter\nhostname router\n!\n");
        sb.Append(CultureInfo.InvariantCulture, $"router bgp {BgpLink.RouterAsn}\n");
        sb.Append(CultureInfo.InvariantCulture, $" bgp router-id {BgpLink.RouterIp}\n");
        sb.Append(" no bgp ebgp-requires-policy\n");
        sb.Append(" neighbor NODES peer-group\n neighbor NODES remote-as external\n neighbor NODES timers 3 9\n neighbor NODES timers connect 1\n");
        sb.Append(CultureInfo.InvariantCulture, $" bgp listen range {BgpLink.Subnet} peer-group NODES\n");
        sb.Append("!\n");
        return sb.ToString();
    }

    /// <summary>Runs <c>vtysh -c COMMAND</c> against this router's daemons; callers check the command (<see cref="RouterCommands"/>).</summary>
    public async Task<CommandRunner.Result> VtyshAsync(string command, CancellationToken ct) =>
        await CommandRunner.RunAsync("vtysh", ["--vty_socket", Directory, "-c", command], null, ct);

    /// <summary>
    /// Fetches <paramref name="url"/> from inside the router (outside the lab's cgroup, so no socket LB helps: the
    /// packets follow the router's routes, i.e. what BGP taught it). Check the URL first with <see cref="RouterCommands.CheckUrl"/>.
    /// </summary>
    public async Task<CommandRunner.Result> CurlAsync(string url, CancellationToken ct) =>
        await CommandRunner.RunAsync("ip",
            ["netns", "exec", Netns, "curl", "-sS", "--proto", "=http", "--max-redirs", "0", "--max-time", "5", "--max-filesize", "1048576", "--url", url],
            null, ct);

    private async Task StartDaemonAsync(string daemon, IReadOnlyList<string> args, CancellationToken ct)
    {
        // The script moves itself into the lab cgroup, then becomes the daemon inside the router namespace.
        List<string> argv =
        [
            "-c", "echo $$ > \"$0\" && exec \"$@\"", Path.Combine(_names.CgroupDirectory, "cgroup.procs"),
            "ip", "netns", "exec", _names.RouterNetns, Path.Combine(FrrDaemons, daemon), "-d",
            "-i", Path.Combine(Directory, daemon + ".pid"), "-z", Path.Combine(Directory, "zserv.api"),
            "--vty_socket", Directory, "-P", "0", "--log", "file:" + Path.Combine(Directory, daemon + ".log"), .. args,
        ];
        var r = await CommandRunner.RunAsync("sh", argv, null, ct);
        if (r.ExitCode != 0)
        {
            throw new ClusterException($"router {daemon} did not start (exit {r.ExitCode}): {r.StandardError.Trim()}");
        }
        // -d returns once the daemon forked; its vty socket shows it is serving.
        var socket = Path.Combine(Directory, daemon + ".vty");
        for (var i = 0; i < 200 && !File.Exists(socket); i++)
        {
            await Task.Delay(25, ct);
        }
        if (!File.Exists(socket))
        {
            throw new ClusterException($"router {daemon} did not open its vty socket {socket}");
        }
    }

    /// <summary>FRR's daemons drop to the frr user, which must write its sockets and logs here.</summary>
    private static void Chown(string dir)
    {
        using var p = Process.Start(new ProcessStartInfo("chown", ["-R", "frr:frr", dir]) { UseShellExecute = false });
        p?.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var daemon in new[] { "bgpd", "zebra" })
        {
            var pidFile = Path.Combine(Directory, daemon + ".pid");
            if (File.Exists(pidFile) && int.TryParse((await File.ReadAllTextAsync(pidFile)).Trim(), out var pid))
            {
                try
                {
                    using var process = Process.GetProcessById(pid);
                    process.Kill();
                    await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or TimeoutException)
                {
                    // Already gone, or stuck: the lab's cgroup.kill takes it with the lab.
                }
            }
        }
        await LabNetwork.DeleteNamespacesAsync([_names.RouterNetns], CancellationToken.None);
    }
}
