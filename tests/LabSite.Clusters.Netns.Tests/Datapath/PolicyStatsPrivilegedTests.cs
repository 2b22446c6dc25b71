using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.Datapath;

/// <summary>
/// Per-entry policy counters on a full Star Wars lab: after N landings from tiefighter under rule1, the empire entry
/// of the deathstars' policy maps counts at least N packets and some bytes, <c>bpf policy get</c> prints them in
/// the table and in <c>-o json</c>, and bpftool (not our code) reads the same numbers from ls_polstats.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class PolicyStatsPrivilegedTests : IAsyncLifetime
{
    private const int Landings = 5;

    private readonly NetnsBackend _backend = new(NetnsTestLabs.Options());
    private NetnsCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        await _backend.StartAsync(CancellationToken.None);
        _cluster = await _backend.CreateAsync(new ClusterRequest("stats"), null, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _backend.DestroyAsync(_cluster.Name, CancellationToken.None);
        NetnsTestLabs.DeleteRoots(_backend.Options);
    }

    [Fact]
    public async Task Rule1_counts_tiefighter_landings_on_the_empire_entry_as_bpftool_sees_them()
    {
        Assert.True((await _cluster.ApplyAsync(StoreFixture.Data("http-sw-app.yaml"), ApplyMode.Create, CancellationToken.None)).Succeeded);
        await _cluster.WaitUntilSettledAsync(CancellationToken.None);
        Assert.True((await _cluster.ApplyAsync(StoreFixture.Data("sw_l3_l4_policy.yaml"), ApplyMode.Create, CancellationToken.None)).Succeeded);

        var endpoints = await _cluster.GetEndpointsAsync(CancellationToken.None);
        var tiefighter = endpoints.Single(e => e.PodName == "tiefighter").Identity;
        var deathstars = endpoints.Where(e => e.PodName.StartsWith("deathstar-", StringComparison.Ordinal)).Select(e => e.Id).ToList();
        Assert.Equal((0ul, 0ul), await EmpireCountersAsync(deathstars, tiefighter));

        for (var i = 0; i < Landings; i++)
        {
            var landed = await NetnsTestLabs.ExecAsync(
                _cluster, "tiefighter", "curl", "-s", "--connect-timeout", "2", "-XPOST", "deathstar.default.svc.cluster.local/v1/request-landing");
            Assert.Equal("Ship landed\n", landed.Stdout);
        }

        var before = await EmpireCountersAsync(deathstars, tiefighter);
        var kernel = BpftoolEmpireCounters(deathstars, tiefighter);
        var after = await EmpireCountersAsync(deathstars, tiefighter);
        // Each landing sends SYN, the request and its ACKs through the entry (replies bypass the lookup).
        Assert.True(before.Packets >= Landings, $"empire entry counted {before.Packets} packets after {Landings} landings");
        Assert.True(before.Bytes > before.Packets * 40, $"{before.Bytes} bytes for {before.Packets} packets");
        Assert.InRange(kernel.Packets, before.Packets, after.Packets);
        Assert.InRange(kernel.Bytes, before.Bytes, after.Bytes);

        // The x-wing is denied by default (no entry): nothing is counted against the empire entry for it.
        var xwing = await NetnsTestLabs.ExecAsync(_cluster, "xwing", "curl", "-s", "--connect-timeout", "1", "-XPOST", "deathstar.default.svc.cluster.local/v1/request-landing");
        Assert.Equal(28, xwing.ExitCode);
        Assert.Equal(after, await EmpireCountersAsync(deathstars, tiefighter));

        // What `cilium-dbg bpf policy get` prints: the counters in the table, and in -o json instead of StatNotAvailable.
        foreach (var id in deathstars)
        {
            var map = (await _cluster.GetPolicyMapAsync(id, CancellationToken.None))!;
            Assert.All(map.Entries, e => Assert.NotNull(e.Packets));
            Assert.DoesNotContain(PolicyMapDump.StatNotAvailable.ToString(CultureInfo.InvariantCulture), map.ToJson());
            var empire = map.Entries.Single(e => IsEmpire(e, tiefighter));
            var row = map.ToText().Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Single(c => c.Length == 9 && c[2] == tiefighter.ToString(CultureInfo.InvariantCulture) && c[3] == "80/TCP");
            Assert.Equal([empire.Bytes.ToString()!, empire.Packets.ToString()!], row[6..8]);
            Assert.Contains($"\"Packets\": {empire.Packets},", map.ToJson());
        }
    }

    private static bool IsEmpire(PolicyMapEntryDump e, uint tiefighter) =>
        !e.Egress && e.Identity == tiefighter && e.Protocol == 6 && e.Port == 80 && e.PortPrefixLength == 24;

    private async Task<(ulong Packets, ulong Bytes)> EmpireCountersAsync(IEnumerable<ushort> deathstars, uint tiefighter)
    {
        ulong packets = 0, bytes = 0;
        foreach (var id in deathstars)
        {
            var entry = (await _cluster.GetPolicyMapAsync(id, CancellationToken.None))!.Entries.Single(e => IsEmpire(e, tiefighter));
            packets += entry.Packets!.Value;
            bytes += entry.Bytes!.Value;
        }
        return (packets, bytes);
    }

    /// <summary>Sums the same entries over every CPU from bpftool's JSON dump of the pinned ls_polstats.</summary>
    private (ulong Packets, ulong Bytes) BpftoolEmpireCounters(IReadOnlyList<ushort> deathstars, uint tiefighter)
    {
        var pin = Path.Combine(_cluster.Names.BpffsDirectory, "ls_polstats");
        var dump = JsonNode.Parse(VethTopology.Bpftool("map", "dump", "pinned", pin, "-j"))!.AsArray();
        ulong packets = 0, bytes = 0;
        foreach (var element in dump)
        {
            var formatted = element!["formatted"]!;
            var key = formatted["key"]!;
            var port = BinaryPrimitives.ReverseEndianness((ushort)(int)key["dport"]!);
            if (!deathstars.Contains((ushort)(int)key["endpoint_id"]!) || (uint)key["sec_label"]! != tiefighter
                || (int)key["egress"]! != 0 || (int)key["protocol"]! != 6 || port != 80 || (int)key["prefix_len"]! != 24)
            {
                continue;
            }
            foreach (var cpu in formatted["values"]!.AsArray())
            {
                packets += (ulong)cpu!["value"]!["packets"]!;
                bytes += (ulong)cpu!["value"]!["bytes"]!;
            }
        }
        return (packets, bytes);
    }
}
