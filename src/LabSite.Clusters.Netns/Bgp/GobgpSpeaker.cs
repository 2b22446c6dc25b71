using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Kernel;

namespace LabSite.Clusters.Netns.Bgp;

/// <summary>
/// One node's BGP speaker: Debian's gobgpd (the BGP library Cilium's agent embeds), running in the node namespace
/// inside the lab cgroup, its gRPC API on a unix socket under the lab's run folder. Peers and timers go into its
/// config file, reloaded with SIGHUP; originated prefixes are added and withdrawn through its API with the
/// <c>gobgp</c> client, which also reads the sessions and RIBs back. Not listening (port -1): the node dials out,
/// as Cilium's speaker does without <c>localPort</c>. Callers serialize calls.
/// </summary>
internal sealed class GobgpSpeaker : IAsyncDisposable
{
    private readonly string _netns;
    private readonly string _cgroupProcs;
    private Process? _process;

    public GobgpSpeaker(string netns, string directory, string cgroupDirectory)
    {
        _netns = netns;
        Directory = directory;
        _cgroupProcs = Path.Combine(cgroupDirectory, "cgroup.procs");
    }

    public string Directory { get; }

    public string Socket => Path.Combine(Directory, "gobgp.sock");

    /// <summary>The config in force, or null when no CiliumBGPClusterConfig selects this node (gobgpd stopped).</summary>
    public SpeakerConfig? Config { get; private set; }

    public bool Running => _process is { HasExited: false };

    public async Task ApplyAsync(SpeakerConfig? config, CancellationToken ct)
    {
        if (config is null)
        {
            await StopAsync();
            Config = null;
            return;
        }
        if (Config is not null && !Config.SameIdentity(config))
        {
            await StopAsync();
        }
        System.IO.Directory.CreateDirectory(Directory);
        await File.WriteAllTextAsync(ConfigPath, Toml(config), ct);
        if (!Running)
        {
            await StartAsync(ct);
        }
        else if (!Config!.Peers.SequenceEqual(config.Peers))
        {
            await ReloadAsync(ct);
        }
        Config = config;
        await SyncPrefixesAsync(config.Prefixes, ct);
    }

    /// <summary>Stops gobgpd as a crash or upgrade would (sessions drop) and starts it again with the same config.</summary>
    public async Task RestartAsync(CancellationToken ct)
    {
        var config = Config ?? throw new ClusterException("the BGP speaker is not configured");
        await StopAsync();
        Config = null;
        await ApplyAsync(config, ct);
    }

    public async Task<IReadOnlyList<BgpPeerState>> PeersAsync(CancellationToken ct)
    {
        if (!Running)
        {
            return [];
        }
        using var doc = JsonDocument.Parse(await GobgpAsync(["-j", "neighbor"], ct));
        var now = DateTimeOffset.UtcNow;
        var peers = new List<BgpPeerState>();
        foreach (var n in doc.RootElement.EnumerateArray())
        {
            var conf = n.GetProperty("conf");
            var state = n.TryGetProperty("state", out var s) ? s : default;
            var sessionState = state.ValueKind == JsonValueKind.Object && state.TryGetProperty("session_state", out var ss) ? ss.GetInt32() : 0;
            TimeSpan? uptime = null;
            if (sessionState == 6 && n.TryGetProperty("timers", out var timers) && timers.TryGetProperty("state", out var ts)
                && ts.TryGetProperty("uptime", out var up) && up.TryGetProperty("seconds", out var secs))
            {
                uptime = now - DateTimeOffset.FromUnixTimeSeconds(secs.GetInt64());
            }
            int received = 0, accepted = 0, advertised = 0;
            if (n.TryGetProperty("afi_safis", out var families))
            {
                foreach (var f in families.EnumerateArray())
                {
                    if (f.TryGetProperty("state", out var fs))
                    {
                        received += Int(fs, "received");
                        accepted += Int(fs, "accepted");
                        advertised += Int(fs, "advertised");
                    }
                }
            }
            var port = n.TryGetProperty("transport", out var tr) && tr.TryGetProperty("remote_port", out var rp) ? rp.GetInt32() : 179;
            peers.Add(new BgpPeerState(
                IPAddress.Parse(conf.GetProperty("neighbor_address").GetString()!), port,
                conf.TryGetProperty("local_asn", out var la) ? la.GetInt64() : Config?.LocalAsn ?? 0,
                conf.TryGetProperty("peer_asn", out var pa) ? pa.GetInt64() : 0,
                SessionStateName(sessionState), uptime, received, accepted, advertised));
        }
        return peers;
    }

    /// <summary>The Loc-RIB (<c>available</c>) or what was sent to <paramref name="peer"/> (<c>advertised</c>), IPv4 unicast.</summary>
    public async Task<IReadOnlyList<BgpRoute>> RoutesAsync(IPAddress? peer, CancellationToken ct)
    {
        if (!Running)
        {
            return [];
        }
        var json = peer is null
            ? await GobgpAsync(["-j", "global", "rib", "-a", "ipv4"], ct)
            : await GobgpAsync(["-j", "neighbor", peer.ToString(), "adj-out", "-a", "ipv4"], ct);
        var routes = new List<BgpRoute>();
        if (json.Trim().Length == 0)
        {
            return routes;
        }
        using var doc = JsonDocument.Parse(json);
        var now = DateTimeOffset.UtcNow;
        foreach (var prefix in doc.RootElement.EnumerateObject())
        {
            foreach (var path in prefix.Value.EnumerateArray())
            {
                var nextHop = "";
                var attrs = new List<string>();
                foreach (var a in path.TryGetProperty("attrs", out var al) ? al.EnumerateArray() : default)
                {
                    switch (a.GetProperty("type").GetInt32())
                    {
                        case 1:
                            attrs.Add("{Origin: " + (a.TryGetProperty("value", out var o) ? o.GetInt32() switch { 0 => "i", 1 => "e", _ => "?" } : "i") + "}");
                            break;
                        case 2:
                            attrs.Add("{AsPath: " + AsPath(a) + "}");
                            break;
                        case 3:
                            nextHop = a.GetProperty("nexthop").GetString() ?? "";
                            attrs.Add("{Nexthop: " + nextHop + "}");
                            break;
                    }
                }
                var age = path.TryGetProperty("age", out var ag) ? now - DateTimeOffset.FromUnixTimeSeconds(ag.GetInt64()) : TimeSpan.Zero;
                routes.Add(new BgpRoute(prefix.Name, nextHop, age < TimeSpan.Zero ? TimeSpan.Zero : age, "[" + string.Join(' ', attrs) + "]",
                    path.TryGetProperty("best", out var best) && best.GetBoolean()));
            }
        }
        return routes;
    }

    private string ConfigPath => Path.Combine(Directory, "gobgpd.toml");

    private async Task StartAsync(CancellationToken ct)
    {
        if (!File.Exists("/usr/bin/gobgpd"))
        {
            throw new ClusterException("this lab needs gobgpd for its BGP speaker: run scripts/setup.sh (installs Debian's gobgpd)");
        }
        File.Delete(Socket);
        // The script joins the lab cgroup (so the lab's teardown and garbage collection kill it), then becomes gobgpd in the node.
        var psi = new ProcessStartInfo("sh") { UseShellExecute = false };
        foreach (var a in (string[])
        [
            "-c", "echo $$ > \"$0\" && log=\"$1\" && shift && exec \"$@\" >>\"$log\" 2>&1", _cgroupProcs, Path.Combine(Directory, "gobgpd.log"),
            "ip", "netns", "exec", _netns, "gobgpd", "-f", ConfigPath, "--api-hosts", "unix://" + Socket, "--pprof-disable", "-p",
        ])
        {
            psi.ArgumentList.Add(a);
        }
        _process = Process.Start(psi) ?? throw new ClusterException("could not start gobgpd");
        for (var i = 0; i < 400; i++)
        {
            if (_process.HasExited)
            {
                throw new ClusterException($"gobgpd exited ({_process.ExitCode}); see {Path.Combine(Directory, "gobgpd.log")}");
            }
            if (File.Exists(Socket) && (await RunGobgpAsync(["global"], ct)).ExitCode == 0)
            {
                return;
            }
            await Task.Delay(25, ct);
        }
        throw new ClusterException("gobgpd did not answer on its API socket " + Socket);
    }

    private async Task ReloadAsync(CancellationToken ct)
    {
        // gobgpd re-reads its config file on SIGHUP: neighbors are added, removed and updated in place.
        await CommandRunner.RunCheckedAsync("reload gobgpd", "kill", ["-HUP", _process!.Id.ToString(CultureInfo.InvariantCulture)], null, ct);
    }

    private async Task SyncPrefixesAsync(IReadOnlyList<string> wanted, CancellationToken ct)
    {
        var have = (await RoutesAsync(null, ct)).Select(r => r.Prefix).ToHashSet(StringComparer.Ordinal);
        foreach (var p in wanted.Where(p => !have.Contains(p)))
        {
            await GobgpAsync(["global", "rib", "add", p, "-a", "ipv4"], ct);
        }
        foreach (var p in have.Where(p => !wanted.Contains(p)))
        {
            await GobgpAsync(["global", "rib", "del", p, "-a", "ipv4"], ct);
        }
    }

    private async Task<string> GobgpAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        var r = await RunGobgpAsync(args, ct);
        if (r.ExitCode != 0)
        {
            throw new ClusterException($"gobgp {string.Join(' ', args)}: {r.StandardError.Trim()}{r.StandardOutput.Trim()}");
        }
        return r.StandardOutput;
    }

    private Task<CommandRunner.Result> RunGobgpAsync(IReadOnlyList<string> args, CancellationToken ct) =>
        CommandRunner.RunAsync("gobgp", ["--target", "unix://" + Socket, .. args], null, ct);

    private async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            // Gone already, or stuck: the lab's cgroup.kill takes it with the lab.
        }
        _process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>gobgpd's config: global AS and router id (not listening), one neighbor per peer with its timers.</summary>
    internal static string Toml(SpeakerConfig config)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"[global.config]\n  as = {config.LocalAsn}\n  router-id = \"{config.RouterId}\"\n  port = -1\n");
        foreach (var p in config.Peers)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\n[[neighbors]]\n  [neighbors.config]\n    neighbor-address = \"{p.Address}\"\n    peer-as = {p.Asn}\n");
            sb.Append(CultureInfo.InvariantCulture, $"  [neighbors.timers.config]\n    connect-retry = {p.ConnectRetrySeconds}\n    hold-time = {p.HoldTimeSeconds}\n    keepalive-interval = {p.KeepAliveSeconds}\n");
            sb.Append(CultureInfo.InvariantCulture, $"  [neighbors.transport.config]\n    remote-port = {p.Port}\n");
            if (p.EbgpMultihop > 1)
            {
                sb.Append(CultureInfo.InvariantCulture, $"  [neighbors.ebgp-multihop.config]\n    enabled = true\n    multihop-ttl = {p.EbgpMultihop}\n");
            }
            sb.Append("  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n      afi-safi-name = \"ipv4-unicast\"\n");
        }
        return sb.ToString();
    }

    /// <summary>Cilium's words for gobgp's session states.</summary>
    internal static string SessionStateName(int state) => state switch
    {
        1 => "idle",
        2 => "connect",
        3 => "active",
        4 => "opensent",
        5 => "openconfirm",
        6 => "established",
        _ => "unknown",
    };

    private static int Int(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 0;

    private static string AsPath(JsonElement attr)
    {
        if (!attr.TryGetProperty("as_paths", out var segments))
        {
            return "";
        }
        return string.Join(' ', segments.EnumerateArray().SelectMany(s => s.TryGetProperty("asns", out var asns) ? asns.EnumerateArray().Select(a => a.GetInt64().ToString(CultureInfo.InvariantCulture)) : []));
    }
}
