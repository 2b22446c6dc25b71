using LabSite.Clusters.Contract;
using LabSite.Shell.Bpftool;
using LabSite.Shell.Builtins;

namespace LabSite.Shell.Tests.Bpftool;

public class BpftoolParserTests
{
    private static BpftoolRequest? Parse(string line) => BpftoolParser.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    [Theory]
    [InlineData("map show", "map show id 7")]
    [InlineData("map", "map show id 7")]
    [InlineData("m s", "map show id 7")]
    [InlineData("map list id 7", "map show id 7")]
    [InlineData("-j map show", "-j map show id 7")]
    [InlineData("map show --pretty", "-j -p map show id 7")]
    [InlineData("map dump id 7", "map dump id 7")]
    [InlineData("map d id 7", "map dump id 7")]
    [InlineData("map dump pinned /sys/fs/bpf/labsite/lab1/ls_ipcache", "map dump id 7")]
    [InlineData("map lookup name ls_lxc key 0x0a 0 0 1", "map lookup id 7 key 0x0a 0 0 1")]
    [InlineData("map lookup id 3 key hex 0a 00 00 01", "map lookup id 7 key hex 0a 00 00 01")]
    [InlineData("map getnext id 3", "map getnext id 7")]
    [InlineData("map peek id 3", "map peek id 7")]
    [InlineData("prog", "prog show id 7")]
    [InlineData("p show tag 0123456789ABCDEF", "prog show id 7")]
    [InlineData("prog dump xlated id 9 opcodes", "prog dump xlated id 7 opcodes")]
    [InlineData("-p prog dump xlated name from_container linum", "-j -p prog dump xlated id 7 linum")]
    public void Read_only_subcommands_become_argv_built_from_ids(string line, string argv)
    {
        var request = Parse(line);
        Assert.NotNull(request);
        Assert.Equal(argv, string.Join(' ', request!.ArgvFor(7)));
    }

    [Theory]
    [InlineData("map show name ls_ipcache", "name", "ls_ipcache")]
    [InlineData("prog show tag 0123456789ABCDEF", "tag", "0123456789abcdef")]
    [InlineData("map dump pinned /sys/fs/bpf/x/../y", "pinned", "/sys/fs/bpf/x/../y")]
    public void Selectors_are_kept_for_the_lab_gate(string line, string by, string value)
    {
        Assert.Equal(new BpfSelector(by, value), Parse(line)!.Selector);
    }

    [Theory]
    [InlineData("")]
    [InlineData("help")]
    [InlineData("--help")]
    [InlineData("map help")]
    [InlineData("prog help")]
    public void Help_is_the_lab_shells_own(string line) => Assert.Null(Parse(line));

    [Theory]
    [InlineData("map update id 3 key 0 value 0", "bpftool: map update is not available in the lab shell (it changes maps or the host); allowed: map show, dump, lookup, getnext, peek")]
    [InlineData("map delete id 3 key 0", "bpftool: map delete is not available in the lab shell (it changes maps or the host); allowed: map show, dump, lookup, getnext, peek")]
    [InlineData("map pin id 3 /sys/fs/bpf/x", "bpftool: map pin is not available in the lab shell (it changes maps or the host); allowed: map show, dump, lookup, getnext, peek")]
    [InlineData("map p id 3 /sys/fs/bpf/x", "bpftool: map pin is not available in the lab shell (it changes maps or the host); allowed: map show, dump, lookup, getnext, peek")]
    [InlineData("map create /sys/fs/bpf/x type hash key 4 value 4 entries 1 name x", "bpftool: map create is not available in the lab shell (it changes maps or the host); allowed: map show, dump, lookup, getnext, peek")]
    [InlineData("map pop id 3", "bpftool: map pop is not available in the lab shell (it changes maps or the host); allowed: map show, dump, lookup, getnext, peek")]
    [InlineData("map event_pipe id 3", "bpftool: map event_pipe is not available in the lab shell (it changes maps or the host); allowed: map show, dump, lookup, getnext, peek")]
    [InlineData("map freeze id 3", "bpftool: map freeze is not available in the lab shell (it changes maps or the host); allowed: map show, dump, lookup, getnext, peek")]
    [InlineData("prog load x.o /sys/fs/bpf/x", "bpftool: prog load is not available in the lab shell (it changes the kernel or reads the host); allowed: prog show, prog dump xlated")]
    [InlineData("prog attach id 3 flow_dissector", "bpftool: prog attach is not available in the lab shell (it changes the kernel or reads the host); allowed: prog show, prog dump xlated")]
    [InlineData("prog tracelog", "bpftool: prog tracelog is not available in the lab shell (it changes the kernel or reads the host); allowed: prog show, prog dump xlated")]
    [InlineData("prog profile id 3 cycles", "bpftool: prog profile is not available in the lab shell (it changes the kernel or reads the host); allowed: prog show, prog dump xlated")]
    [InlineData("prog run id 3 data_in /etc/passwd", "bpftool: prog run is not available in the lab shell (it changes the kernel or reads the host); allowed: prog show, prog dump xlated")]
    [InlineData("prog dump xlated id 3 file /tmp/x", "bpftool: prog dump xlated: 'file' is not available in the lab shell (allowed after the program: opcodes, linum, visual; no file output)")]
    [InlineData("prog dump jited id 3", "bpftool: prog dump jited is not available in the lab shell (machine code holds kernel addresses); use prog dump xlated")]
    [InlineData("prog dump id 3", "bpftool: prog dump needs xlated: bpftool prog dump xlated id N")]
    [InlineData("batch file /etc/passwd", "bpftool: batch is not available in the lab shell: it reads commands from a file. Allowed: prog show|dump, map show|dump|lookup|getnext|peek (bpftool help)")]
    [InlineData("net show", "bpftool: net is not available in the lab shell: it shows the host's network namespace, not your lab's; the lab's tc programs are in bpftool prog show. Allowed: prog show|dump, map show|dump|lookup|getnext|peek (bpftool help)")]
    [InlineData("cgroup tree", "bpftool: cgroup is not available in the lab shell: it reads host cgroup paths; the lab's socket programs are in bpftool prog show. Allowed: prog show|dump, map show|dump|lookup|getnext|peek (bpftool help)")]
    [InlineData("btf dump id 1", "bpftool: btf is not available in the lab shell: it reads type data of every program on the host. Allowed: prog show|dump, map show|dump|lookup|getnext|peek (bpftool help)")]
    [InlineData("feature probe", "bpftool: feature is not available in the lab shell: it probes the host kernel. Allowed: prog show|dump, map show|dump|lookup|getnext|peek (bpftool help)")]
    [InlineData("-d map show", "bpftool: option -d is not available in the lab shell (allowed: -j/--json, -p/--pretty)")]
    [InlineData("map show --bpffs", "bpftool: option --bpffs is not available in the lab shell (allowed: -j/--json, -p/--pretty)")]
    [InlineData("-f map show", "bpftool: option -f is not available in the lab shell (allowed: -j/--json, -p/--pretty)")]
    [InlineData("-m prog show", "bpftool: option -m is not available in the lab shell (allowed: -j/--json, -p/--pretty)")]
    [InlineData("-n map show", "bpftool: option -n is not available in the lab shell (allowed: -j/--json, -p/--pretty)")]
    [InlineData("-L prog show", "bpftool: option -L is not available in the lab shell (allowed: -j/--json, -p/--pretty)")]
    [InlineData("-B /tmp/vmlinux map dump id 3", "bpftool: option -B is not available in the lab shell (allowed: -j/--json, -p/--pretty)")]
    [InlineData("-jd map show", "bpftool: option -jd is not available in the lab shell (allowed: -j/--json, -p/--pretty)")]
    [InlineData("foo", "bpftool: object 'foo' not recognized; the lab shell offers: prog, map, version (bpftool help)")]
    [InlineData("map show id 3 extra", "bpftool: map show: unexpected 'extra' after id 3")]
    [InlineData("map show id -3", "bpftool: option -3 is not available in the lab shell (allowed: -j/--json, -p/--pretty)")]
    [InlineData("map show id 3x", "bpftool: map show: '3x' is not an id")]
    [InlineData("map show tag 0123456789abcdef", "bpftool: map show: expected id N, pinned FILE or name NAME, got 'tag'")]
    [InlineData("prog show tag 12", "bpftool: prog show: '12' is not a tag (16 hex digits)")]
    [InlineData("map dump", "bpftool: map dump needs a map: id N, pinned FILE or name NAME")]
    [InlineData("map dump id 3 key 1", "bpftool: map dump takes only the map; unexpected 'key'")]
    [InlineData("map lookup id 3", "bpftool: map lookup needs a key: bpftool map lookup id N key 0x0a 0 0 1")]
    [InlineData("map lookup id 3 value 1", "bpftool: map lookup: expected 'key', got 'value'")]
    [InlineData("map lookup id 3 key", "bpftool: map lookup: key needs 1 to 512 bytes, e.g. key 0x0a 0 0 1 or key hex 0a 00 00 01")]
    [InlineData("map lookup id 3 key 1 /etc/passwd", "bpftool: map lookup: '/etc/passwd' is not a key byte (0-255, 0x00-0xff)")]
    [InlineData("map lookup id 3 key hex 0x1", "bpftool: map lookup: '0x1' is not a key byte (two hex digits after 'hex')")]
    [InlineData("version x", "bpftool: version takes no arguments")]
    public void Everything_else_is_refused_saying_what_is_allowed(string line, string message)
    {
        var e = Assert.Throws<UsageException>(() => Parse(line));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Help_lists_the_allowed_set_and_what_is_not()
    {
        Assert.Contains("bpftool map dump MAP", BpftoolParser.Help);
        Assert.Contains("bpftool prog dump xlated PROG", BpftoolParser.Help);
        Assert.Contains("Not available here: changing or loading anything", BpftoolParser.Help);
        Assert.Equal(["version"], Parse("-V")!.Verb);
        Assert.Equal(BpfObjectKind.Program, Parse("prog")!.Kind);
    }
}
