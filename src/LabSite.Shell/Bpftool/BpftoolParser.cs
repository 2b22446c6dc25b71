using System.Text.RegularExpressions;
using LabSite.Clusters.Contract;
using LabSite.Shell.Builtins;

namespace LabSite.Shell.Bpftool;

/// <summary>
/// The argument gate of the lab shell's bpftool: accepts the read-only subcommands listed in <see cref="Help"/> and
/// refuses everything else (writes, loads, attaches, pins, host-wide views, file and debug options) with a message
/// naming what is allowed. Words may be abbreviated as bpftool allows (<c>bpftool m s</c>), matched in bpftool's order.
/// </summary>
public static partial class BpftoolParser
{
    public const string Help = """
        bpftool in the lab shell: Debian's real bpftool, read-only, limited to this lab's programs and maps.

        Usage: bpftool [-j|--json] [-p|--pretty] OBJECT COMMAND
          bpftool prog { show | list } [PROG]
          bpftool prog dump xlated PROG [opcodes | linum | visual]
          bpftool map { show | list } [MAP]
          bpftool map dump MAP
          bpftool map lookup MAP key [hex] BYTES
          bpftool map getnext MAP [key [hex] BYTES]
          bpftool map peek MAP
          bpftool version

          PROG := { id PROG_ID | pinned FILE | name PROG_NAME | tag PROG_TAG }
          MAP := { id MAP_ID | pinned FILE | name MAP_NAME }

        Without PROG or MAP, show lists this lab's objects only; pinned files must be inside the lab's pin folder.
        Not available here: changing or loading anything (update, delete, pin, load, attach, ...), prog dump jited
        (machine code holds kernel addresses), net, cgroup, link, btf, feature, perf, batch, and the options
        -d, -f, -m, -n, -L, -B.

        """;

    /// <summary>bpftool's objects in its own matching order (a prefix picks the first that it starts).</summary>
    private static readonly string[] s_objects = ["help", "batch", "prog", "map", "link", "cgroup", "perf", "net", "feature", "btf", "gen", "struct_ops", "iter", "version"];

    private static readonly string[] s_progVerbs = ["show", "list", "help", "dump", "pin", "load", "loadall", "attach", "detach", "tracelog", "run", "profile"];

    private static readonly string[] s_mapVerbs = ["show", "list", "help", "dump", "update", "lookup", "getnext", "delete", "pin", "event_pipe", "create", "peek", "push", "enqueue", "pop", "dequeue", "freeze"];

    private static readonly Dictionary<string, string> s_whyNotObject = new()
    {
        ["net"] = "it shows the host's network namespace, not your lab's; the lab's tc programs are in bpftool prog show",
        ["cgroup"] = "it reads host cgroup paths; the lab's socket programs are in bpftool prog show",
        ["perf"] = "it lists every process on the host",
        ["feature"] = "it probes the host kernel",
        ["batch"] = "it reads commands from a file",
        ["gen"] = "it generates code from object files",
        ["iter"] = "it loads programs",
        ["struct_ops"] = "it registers kernel callbacks",
        ["link"] = "it lists every link on the host",
        ["btf"] = "it reads type data of every program on the host",
    };

    /// <summary>Parses the learner's words; null means: print <see cref="Help"/>. Throws <see cref="UsageException"/> when refused.</summary>
    public static BpftoolRequest? Parse(IReadOnlyList<string> args)
    {
        bool json = false, pretty = false;
        var words = new List<string>();
        foreach (var arg in args)
        {
            switch (arg)
            {
                case "-j" or "--json": json = true; break;
                case "-p" or "--pretty": pretty = true; break;
                case "-jp" or "-pj": json = pretty = true; break;
                case "-h" or "--help": return null;
                case "-V" or "--version": words.Insert(0, "version"); break;
                case var o when o.StartsWith('-') && o.Length > 1:
                    throw new UsageException($"bpftool: option {o} is not available in the lab shell (allowed: -j/--json, -p/--pretty)");
                default: words.Add(arg); break;
            }
        }

        if (words.Count == 0)
        {
            return null;
        }
        var obj = Match(s_objects, words[0]) ?? throw new UsageException($"bpftool: object '{words[0]}' not recognized; the lab shell offers: prog, map, version (bpftool help)");
        switch (obj)
        {
            case "help":
                return null;
            case "version":
                return words.Count == 1 ? BpftoolRequest.Version(json, pretty) : throw new UsageException("bpftool: version takes no arguments");
            case "prog":
                return ParseProg(json, pretty, words.Skip(1).ToList());
            case "map":
                return ParseMap(json, pretty, words.Skip(1).ToList());
            default:
                throw new UsageException($"bpftool: {obj} is not available in the lab shell: {s_whyNotObject[obj]}. Allowed: prog show|dump, map show|dump|lookup|getnext|peek (bpftool help)");
        }
    }

    private static BpftoolRequest? ParseProg(bool json, bool pretty, List<string> words)
    {
        var verb = words.Count == 0 ? "show" : Match(s_progVerbs, words[0]) ?? throw new UsageException($"bpftool: unknown command 'prog {words[0]}'; allowed: prog show, prog dump xlated (bpftool help)");
        var rest = words.Skip(1).ToList();
        switch (verb)
        {
            case "help":
                return null;
            case "show" or "list":
                return new BpftoolRequest(json, pretty, BpfObjectKind.Program, ["show"], OptionalSelector(rest, BpfObjectKind.Program, "prog show"), []);
            case "dump":
                if (rest.FirstOrDefault() == "jited")
                {
                    throw new UsageException("bpftool: prog dump jited is not available in the lab shell (machine code holds kernel addresses); use prog dump xlated");
                }
                if (rest.FirstOrDefault() != "xlated")
                {
                    throw new UsageException("bpftool: prog dump needs xlated: bpftool prog dump xlated id N");
                }
                var selector = RequiredSelector(rest.Skip(1).ToList(), BpfObjectKind.Program, "prog dump xlated", out var tail);
                foreach (var word in tail)
                {
                    if (word is not ("opcodes" or "linum" or "visual"))
                    {
                        throw new UsageException($"bpftool: prog dump xlated: '{word}' is not available in the lab shell (allowed after the program: opcodes, linum, visual; no file output)");
                    }
                }
                return new BpftoolRequest(json, pretty, BpfObjectKind.Program, ["dump", "xlated"], selector, tail);
            default:
                throw new UsageException($"bpftool: prog {verb} is not available in the lab shell (it changes the kernel or reads the host); allowed: prog show, prog dump xlated");
        }
    }

    private static BpftoolRequest? ParseMap(bool json, bool pretty, List<string> words)
    {
        var verb = words.Count == 0 ? "show" : Match(s_mapVerbs, words[0]) ?? throw new UsageException($"bpftool: unknown command 'map {words[0]}'; allowed: map show, dump, lookup, getnext, peek (bpftool help)");
        var rest = words.Skip(1).ToList();
        switch (verb)
        {
            case "help":
                return null;
            case "show" or "list":
                return new BpftoolRequest(json, pretty, BpfObjectKind.Map, ["show"], OptionalSelector(rest, BpfObjectKind.Map, "map show"), []);
            case "dump" or "peek":
                var selector = RequiredSelector(rest, BpfObjectKind.Map, $"map {verb}", out var tail);
                return tail.Count == 0 ? new BpftoolRequest(json, pretty, BpfObjectKind.Map, [verb], selector, [])
                    : throw new UsageException($"bpftool: map {verb} takes only the map; unexpected '{tail[0]}'");
            case "lookup" or "getnext":
                var map = RequiredSelector(rest, BpfObjectKind.Map, $"map {verb}", out var keyWords);
                if (keyWords.Count == 0 && verb == "lookup")
                {
                    throw new UsageException("bpftool: map lookup needs a key: bpftool map lookup id N key 0x0a 0 0 1");
                }
                return new BpftoolRequest(json, pretty, BpfObjectKind.Map, [verb], map, CheckKey(verb, keyWords));
            default:
                throw new UsageException($"bpftool: map {verb} is not available in the lab shell (it changes maps or the host); allowed: map show, dump, lookup, getnext, peek");
        }
    }

    /// <summary><c>key [hex] BYTES</c>: byte literals only (as bpftool reads them), at most 512.</summary>
    private static List<string> CheckKey(string verb, List<string> words)
    {
        if (words.Count == 0)
        {
            return words;
        }
        if (words[0] != "key")
        {
            throw new UsageException($"bpftool: map {verb}: expected 'key', got '{words[0]}'");
        }
        var hex = words.Count > 1 && words[1] == "hex";
        var bytes = words.Skip(hex ? 2 : 1).ToList();
        if (bytes.Count == 0 || bytes.Count > 512)
        {
            throw new UsageException($"bpftool: map {verb}: key needs 1 to 512 bytes, e.g. key 0x0a 0 0 1 or key hex 0a 00 00 01");
        }
        foreach (var b in bytes)
        {
            if (!(hex ? HexByte() : ByteLiteral()).IsMatch(b))
            {
                throw new UsageException($"bpftool: map {verb}: '{b}' is not a key byte ({(hex ? "two hex digits after 'hex'" : "0-255, 0x00-0xff")})");
            }
        }
        return words;
    }

    private static BpfSelector? OptionalSelector(List<string> words, BpfObjectKind kind, string what)
    {
        if (words.Count == 0)
        {
            return null;
        }
        var selector = RequiredSelector(words, kind, what, out var tail);
        return tail.Count == 0 ? selector : throw new UsageException($"bpftool: {what}: unexpected '{tail[0]}' after {selector}");
    }

    private static BpfSelector RequiredSelector(List<string> words, BpfObjectKind kind, string what, out List<string> tail)
    {
        var forms = kind == BpfObjectKind.Program ? "id N, pinned FILE, name NAME or tag TAG" : "id N, pinned FILE or name NAME";
        if (words.Count < 2)
        {
            throw new UsageException($"bpftool: {what} needs a {(kind == BpfObjectKind.Program ? "program" : "map")}: {forms}");
        }
        tail = words.Skip(2).ToList();
        var (by, value) = (words[0], words[1]);
        return by switch
        {
            "id" when uint.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _) => new BpfSelector(by, value),
            "id" => throw new UsageException($"bpftool: {what}: '{value}' is not an id"),
            "pinned" or "name" => new BpfSelector(by, value),
            "tag" when kind == BpfObjectKind.Program => TagPattern().IsMatch(value) ? new BpfSelector(by, value.ToLowerInvariant())
                : throw new UsageException($"bpftool: {what}: '{value}' is not a tag (16 hex digits)"),
            _ => throw new UsageException($"bpftool: {what}: expected {forms}, got '{by}'"),
        };
    }

    /// <summary>bpftool's is_prefix: the first word in table order that starts with what was typed.</summary>
    private static string? Match(string[] table, string typed) =>
        typed.Length == 0 ? null : table.FirstOrDefault(w => w.StartsWith(typed, StringComparison.Ordinal));

    [GeneratedRegex("^[0-9a-fA-F]{16}$")]
    private static partial Regex TagPattern();

    [GeneratedRegex("^[0-9a-fA-F]{1,2}$")]
    private static partial Regex HexByte();

    [GeneratedRegex("^(0[xX][0-9a-fA-F]{1,2}|[0-9]{1,3})$")]
    private static partial Regex ByteLiteral();
}
