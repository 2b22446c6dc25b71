using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns;
using LabSite.Shell.Tests.Support;
using LabSite.Testing;

namespace LabSite.Shell.Tests.Bpftool;

/// <summary>
/// The lab shell's bpftool on two real netns labs (Star Wars in one, empty in the other): Debian's bpftool runs, shows
/// only the first lab's programs and maps, dumps its pinned maps, and refuses the second lab's ids and pins.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class BpftoolPrivilegedTests : IAsyncLifetime
{
    private readonly NetnsBackend _backend = new(NetnsTestLabs.Options());
    private readonly string _folder = Directory.CreateTempSubdirectory("labsh-bpftool-").FullName;
    private readonly RecordingToolRunner _tools = new();
    private NetnsCluster _lab = null!;
    private NetnsCluster _other = null!;
    private ShellInterpreter _shell = null!;

    public async Task InitializeAsync()
    {
        await _backend.StartAsync(CancellationToken.None);
        _lab = await _backend.CreateAsync(new ClusterRequest("bpftool"), null, CancellationToken.None);
        _other = await _backend.CreateAsync(new ClusterRequest("other"), null, CancellationToken.None);
        await NetnsTestLabs.StartStarWarsAsync(_lab);
        _shell = new ShellInterpreter(new ShellSession(new WorkingFolder(_folder), _lab, _tools));
    }

    public async Task DisposeAsync()
    {
        await _backend.DestroyAsync(_lab.Name, CancellationToken.None);
        await _backend.DestroyAsync(_other.Name, CancellationToken.None);
        NetnsTestLabs.DeleteRoots(_backend.Options);
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<(int Status, string Out, string Err)> Run(string line)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var status = await _shell.RunAsync(line, stdout, stderr, CancellationToken.None);
        return (status, stdout.ToString(), stderr.ToString());
    }

    private static IEnumerable<uint> TextIds(string text) => Regex.Matches(text, @"^(\d+): ", RegexOptions.Multiline).Select(m => uint.Parse(m.Groups[1].Value));

    [Fact]
    public async Task Map_show_lists_exactly_this_labs_maps()
    {
        var mine = (await _lab.GetBpfObjectsAsync(CancellationToken.None)).Ids(BpfObjectKind.Map);
        var theirs = (await _other.GetBpfObjectsAsync(CancellationToken.None)).Ids(BpfObjectKind.Map);
        Assert.Empty(mine.Intersect(theirs));

        var (status, output, error) = await Run("bpftool map show");
        Assert.Equal((0, ""), (status, error));
        Assert.Equal(mine.Order(), TextIds(output).Order());
        Assert.Contains(" name ls_ipcache ", output);
        Assert.Contains(" name ls_lb4_services ", output);
        Assert.Matches(@"name ls_pol_\d{5}", output);
    }

    [Fact]
    public async Task Json_prog_show_parses_and_holds_the_labs_tc_and_socket_programs()
    {
        var mine = (await _lab.GetBpfObjectsAsync(CancellationToken.None)).Ids(BpfObjectKind.Program);
        var (status, output, _) = await Run("bpftool -j prog show");
        Assert.Equal(0, status);
        var programs = JsonNode.Parse(output)!.AsArray().Select(p => p!.AsObject()).ToList();
        Assert.Equal(mine.Order(), programs.Select(p => p["id"]!.GetValue<uint>()).Order());
        var names = programs.Select(p => p["name"]!.GetValue<string>()).ToList();
        Assert.Contains("from_container", names);
        Assert.Contains("to_container", names);
        Assert.Contains("sock4_connect", names);
        Assert.Contains(programs, p => p["type"]!.GetValue<string>() == "sched_cls");
    }

    [Fact]
    public async Task Pinned_policy_maps_dump_and_a_name_resolves_to_this_labs_map()
    {
        var lab = await _lab.GetBpfObjectsAsync(CancellationToken.None);
        var policyMap = lab.Objects.Select(o => o.PinnedPath).OfType<string>().First(p => Path.GetFileName(p).StartsWith("ls_pol_0", StringComparison.Ordinal));

        var (status, output, error) = await Run($"bpftool map dump pinned {policyMap}");
        Assert.Equal((0, ""), (status, error));
        Assert.Matches(@"Found \d+ elements", output);

        var ipcache = await Run("bpftool -j map dump name ls_ipcache");
        Assert.Equal(0, ipcache.Status);
        Assert.NotEmpty(JsonNode.Parse(ipcache.Out)!.AsArray());
        var ipcacheId = lab.Objects.Single(o => o.PinnedPath?.EndsWith("/ls_ipcache", StringComparison.Ordinal) == true).Id;
        Assert.Contains(_tools.Runs, r => r.Args.SequenceEqual(["-j", "map", "dump", "id", ipcacheId.ToString()]));
        // The traversal spelling of the same pin reaches the same map.
        Assert.Equal(0, (await Run($"bpftool map show pinned {Path.GetDirectoryName(policyMap)}/../{_lab.Name}/{Path.GetFileName(policyMap)}")).Status);
    }

    [Fact]
    public async Task The_other_labs_ids_and_pins_are_refused_without_running_bpftool()
    {
        var other = await _other.GetBpfObjectsAsync(CancellationToken.None);
        var otherMap = other.Objects.First(o => o.PinnedPath is not null);
        var otherProgram = other.Objects.First(o => o.Kind == BpfObjectKind.Program);
        _tools.Runs.Clear();

        var byId = await Run($"bpftool map dump id {otherMap.Id}");
        Assert.Equal(2, byId.Status);
        Assert.StartsWith($"bpftool: map id {otherMap.Id} is not one of this lab's maps", byId.Err);

        var byPin = await Run($"bpftool map dump pinned {otherMap.PinnedPath}");
        Assert.Equal(2, byPin.Status);
        Assert.Contains("only files in this lab's pin folder", byPin.Err);

        var traversal = await Run($"bpftool map dump pinned {_lab.Names.BpffsDirectory}/../{_other.Name}/{Path.GetFileName(otherMap.PinnedPath)}");
        Assert.Equal(2, traversal.Status);

        var program = await Run($"bpftool prog dump xlated id {otherProgram.Id}");
        Assert.Equal(2, program.Status);
        Assert.Empty(_tools.Runs);

        Assert.DoesNotContain($"{otherMap.Id}: ", (await Run("bpftool map show")).Out);
    }

    [Fact]
    public async Task Xlated_dump_and_lookup_run_on_this_labs_objects()
    {
        var xlated = await Run("bpftool prog dump xlated name from_container");
        Assert.Equal(0, xlated.Status);
        Assert.Contains("int from_container(struct __sk_buff * skb)", xlated.Out);

        // The ipcache's catch-all entry: key {prefixlen 32 static bits + /0, cluster 0, pad, AF_INET, 0.0.0.0} → world (2).
        var lookup = await Run("bpftool -j map lookup name ls_ipcache key 32 0 0 0 0 0 0 2 0 0 0 0");
        Assert.Equal((0, ""), (lookup.Status, lookup.Err));
        Assert.Equal(2, JsonNode.Parse(lookup.Out)!["formatted"]!["value"]!["sec_identity"]!.GetValue<int>());
    }
}
