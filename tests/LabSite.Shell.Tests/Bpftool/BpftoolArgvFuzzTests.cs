using System.Text;
using System.Text.RegularExpressions;
using LabSite.Clusters.Contract;
using LabSite.Shell.Tests.Support;
using LabSite.Testing;

namespace LabSite.Shell.Tests.Bpftool;

/// <summary>
/// Random bpftool lines (allowed words, refused words, other labs' ids and pins, traversal, metacharacters) against a
/// cluster that owns two maps and a program. Whatever is typed, every argv handed to the tool runner is one of the
/// shapes we build: options, object, verb, <c>id</c> of an object of this lab, checked key bytes or dump modes.
/// </summary>
public partial class BpftoolArgvFuzzTests
{
    private const string Pins = "/sys/fs/bpf/labsite/lab1";

    private static readonly string[] s_words =
    [
        "map", "prog", "show", "list", "dump", "xlated", "jited", "lookup", "getnext", "peek", "update", "delete", "pin", "load", "attach",
        "event_pipe", "tracelog", "net", "btf", "batch", "cgroup", "version", "help", "id", "pinned", "name", "tag", "key", "hex", "value",
        "1", "2", "3", "7", "90", "0x0a", "ff", "255", "-1", "4294967296", "-j", "-p", "--json", "--pretty", "-d", "-f", "--bpffs", "-m", "-n",
        "-L", "-B", "file", "/tmp/x", "opcodes", "linum", "visual", Pins + "/ls_ipcache", Pins + "/../lab2/ls_ipcache", Pins + "/ls_events",
        "/sys/fs/bpf/labsite/lab2/ls_ipcache", "/etc/passwd", "ls_ipcache", "bpf_lxc.rodata", "from_container", "0123456789abcdef",
        "$(id)", "`id`", ";", "|", "'x y'", "\"a b\"", "..", "*",
    ];

    /// <summary>Starts that are valid or nearly so, so the random tails reach the object gate and the key checks.</summary>
    private static readonly string[] s_starts =
    [
        "bpftool", "bpftool map", "bpftool map show", "bpftool -j prog show", "bpftool map dump", "bpftool map dump id", "bpftool map dump pinned",
        "bpftool map lookup id 1 key", "bpftool map lookup name", "bpftool map getnext id 2", "bpftool prog dump xlated", "bpftool prog dump xlated id 7",
        "bpftool prog show name", "bpftool -p map peek pinned",
    ];

    private static readonly LabBpfObjects s_lab = new(Pins,
    [
        new(BpfObjectKind.Program, 7),
        new(BpfObjectKind.Map, 1, Pins + "/ls_ipcache"),
        new(BpfObjectKind.Map, 2),
    ]);

    [GeneratedRegex(@"^(-j( -p)? )?(version|prog show|map show|(prog dump xlated|map (dump|peek|lookup|getnext)) id (1|2|7)( key( hex)?( [0-9a-fA-Fx]{1,4})+| opcodes| linum| visual)*)$")]
    private static partial Regex BuiltArgv();

    [Fact]
    public async Task Three_thousand_random_lines_only_ever_run_argv_we_built()
    {
        var tools = new CannedBpftool();
        var cluster = new InMemoryCluster { BpfObjects = s_lab };
        using var shell = new ShellHarness(cluster, tools, inspection: true);
        var random = new Random(6);
        var statuses = new HashSet<int>();
        for (var i = 0; i < 3000; i++)
        {
            var line = new StringBuilder(s_starts[random.Next(s_starts.Length)]);
            for (var n = random.Next(0, 5); n > 0; n--)
            {
                line.Append(' ').Append(s_words[random.Next(s_words.Length)]);
            }
            statuses.Add((await shell.RunAsync(line.ToString())).Status);
        }

        Assert.NotEmpty(tools.Runs);
        Assert.All(tools.Runs, argv => Assert.Matches(BuiltArgv(), string.Join(' ', argv)));
        // Ids 1, 2, 7 are this lab's; map 2 and program 7 are reached only by id or name, map 1 also by its pin.
        Assert.Contains(tools.Runs, argv => argv.Contains("dump") && argv.Contains("1"));
        Assert.Contains(tools.Runs, argv => argv.Contains("xlated") && argv.Contains("7"));
        Assert.Contains(tools.Runs, argv => argv.Contains("lookup") && argv.Contains("key"));
        Assert.Contains(0, statuses);
        Assert.Contains(2, statuses);
    }

    /// <summary>Records argv and answers listings with this lab's objects plus another lab's, like the host would.</summary>
    private sealed class CannedBpftool : IToolRunner
    {
        public List<IReadOnlyList<string>> Runs { get; } = [];

        public Task<ToolResult> RunAsync(AllowedTool tool, IReadOnlyList<string> args, string stdin, CancellationToken ct)
        {
            Assert.Equal(AllowedTool.Bpftool, tool);
            Runs.Add(args.ToList());
            var json = args.Contains("-j");
            var listing = args.Contains("prog")
                ? (json ? """[{"id":7,"name":"from_container","tag":"0123456789abcdef"},{"id":95,"name":"from_container","tag":"0123456789abcdef"}]""" : "7: sched_cls  name from_container  tag 0123456789abcdef\n95: sched_cls  name from_container\n")
                : (json ? """[{"id":1,"name":"ls_ipcache"},{"id":2,"name":"bpf_lxc.rodata"},{"id":90,"name":"ls_ipcache"}]""" : "1: lpm_trie  name ls_ipcache\n2: array  name bpf_lxc.rodata\n90: lpm_trie  name ls_ipcache\n");
            return Task.FromResult(new ToolResult(0, args.Contains("show") ? listing : "[]", ""));
        }
    }
}
