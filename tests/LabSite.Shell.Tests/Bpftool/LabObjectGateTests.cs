using LabSite.Clusters.Contract;
using LabSite.Shell.Bpftool;
using LabSite.Shell.Builtins;

namespace LabSite.Shell.Tests.Bpftool;

public class LabObjectGateTests
{
    private const string Pins = "/sys/fs/bpf/labsite/lab1";

    private static readonly LabBpfObjects s_lab = new(Pins,
    [
        new(BpfObjectKind.Program, 40),
        new(BpfObjectKind.Program, 41),
        new(BpfObjectKind.Map, 10, Pins + "/ls_ipcache"),
        new(BpfObjectKind.Map, 11, Pins + "/ls_pol_00232"),
        new(BpfObjectKind.Map, 12),
    ]);

    /// <summary>The host's listing: lab1's objects and another lab's with the same names and tags.</summary>
    private static readonly IReadOnlyList<ListedObject> s_host =
    [
        new(10, "ls_ipcache", null), new(11, "ls_pol_00232", null), new(12, "bpf_lxc.rodata", null),
        new(90, "ls_ipcache", null), new(91, "ls_pol_00232", null),
        new(40, "from_container", "0123456789abcdef"), new(41, "to_container", "1111111111111111"),
        new(95, "from_container", "0123456789abcdef"),
    ];

    private static IReadOnlyList<uint> Resolve(BpfObjectKind kind, string by, string value) => LabObjectGate.Resolve(new BpfSelector(by, value), kind, s_lab, s_host);

    [Theory]
    [InlineData("id", "10", 10u)]
    [InlineData("id", "12", 12u)]
    [InlineData("pinned", Pins + "/ls_ipcache", 10u)]
    [InlineData("pinned", Pins + "/../lab1/ls_pol_00232", 11u)]
    [InlineData("pinned", Pins + "//ls_ipcache", 10u)]
    [InlineData("name", "ls_ipcache", 10u)]
    [InlineData("name", "bpf_lxc.rodata", 12u)]
    public void The_labs_own_maps_resolve_to_their_ids(string by, string value, uint id) =>
        Assert.Equal([id], Resolve(BpfObjectKind.Map, by, value));

    [Fact]
    public void Names_and_tags_match_only_this_labs_programs()
    {
        Assert.Equal([40u], Resolve(BpfObjectKind.Program, "tag", "0123456789abcdef"));
        Assert.Equal([41u], Resolve(BpfObjectKind.Program, "name", "to_container"));
    }

    [Theory]
    [InlineData("id", "90", "bpftool: map id 90 is not one of this lab's maps (this lab's: 10, 11, 12; see bpftool map show)")]
    [InlineData("id", "40", "bpftool: map id 40 is not one of this lab's maps (this lab's: 10, 11, 12; see bpftool map show)")]
    [InlineData("pinned", "/sys/fs/bpf/labsite/lab2/ls_ipcache", "bpftool: pinned /sys/fs/bpf/labsite/lab2/ls_ipcache: only files in this lab's pin folder /sys/fs/bpf/labsite/lab1/ are allowed")]
    [InlineData("pinned", Pins + "/../lab2/ls_ipcache", "bpftool: pinned /sys/fs/bpf/labsite/lab1/../lab2/ls_ipcache: only files in this lab's pin folder /sys/fs/bpf/labsite/lab1/ are allowed")]
    [InlineData("pinned", Pins + "1/ls_ipcache", "bpftool: pinned /sys/fs/bpf/labsite/lab11/ls_ipcache: only files in this lab's pin folder /sys/fs/bpf/labsite/lab1/ are allowed")]
    [InlineData("pinned", Pins, "bpftool: pinned /sys/fs/bpf/labsite/lab1: only files in this lab's pin folder /sys/fs/bpf/labsite/lab1/ are allowed")]
    [InlineData("pinned", "ls_ipcache", "bpftool: pinned ls_ipcache: only files in this lab's pin folder /sys/fs/bpf/labsite/lab1/ are allowed")]
    [InlineData("pinned", "/etc/passwd", "bpftool: pinned /etc/passwd: only files in this lab's pin folder /sys/fs/bpf/labsite/lab1/ are allowed")]
    [InlineData("pinned", Pins + "/ls_events", "bpftool: pinned /sys/fs/bpf/labsite/lab1/ls_events: no map is pinned there; this lab's pinned maps: /sys/fs/bpf/labsite/lab1/ls_ipcache, /sys/fs/bpf/labsite/lab1/ls_pol_00232")]
    [InlineData("name", "ls_lxc", "bpftool: this lab has no map with name ls_lxc; its maps: ls_ipcache (id 10), ls_pol_00232 (id 11), bpf_lxc.rodata (id 12)")]
    public void Other_labs_and_host_objects_are_refused(string by, string value, string message)
    {
        var e = Assert.Throws<UsageException>(() => Resolve(BpfObjectKind.Map, by, value));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void A_program_tag_of_another_lab_alone_is_refused()
    {
        var e = Assert.Throws<UsageException>(() => Resolve(BpfObjectKind.Program, "tag", "2222222222222222"));
        Assert.StartsWith("bpftool: this lab has no program with tag 2222222222222222; its programs: from_container (id 40), to_container (id 41)", e.Message);
    }
}
