using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Shell.Kubectl;

namespace LabSite.Shell.Completion;

/// <summary>What completion may offer: gathered by the caller (cluster object names, lab files) so completion stays pure.</summary>
public sealed record CompletionData(
    IReadOnlyList<string> Commands,
    IReadOnlyDictionary<string, IReadOnlyList<string>> NamesByKind,
    IReadOnlyList<string> Files);

/// <summary>The word being completed (from <see cref="Start"/> to the cursor) and the candidates, sorted.</summary>
public sealed record CompletionResult(int Start, string Word, IReadOnlyList<string> Candidates)
{
    /// <summary>The longest prefix all candidates share (what Tab inserts when there are several).</summary>
    public string CommonPrefix
    {
        get
        {
            if (Candidates.Count == 0)
            {
                return Word;
            }
            var prefix = Candidates[0];
            foreach (var c in Candidates.Skip(1))
            {
                var n = 0;
                while (n < prefix.Length && n < c.Length && prefix[n] == c[n])
                {
                    n++;
                }
                prefix = prefix[..n];
            }
            return prefix;
        }
    }
}

/// <summary>
/// Tab completion as a pure function of the line, the cursor and <see cref="CompletionData"/>: command names first,
/// then kubectl verbs, kinds, object names (pods for exec/logs), flags, and lab files after <c>-f</c> or for file commands.
/// </summary>
public static class CompletionEngine
{
    private static readonly string[] s_kubectlFlags = ["--namespace", "--all-namespaces", "--output", "--selector", "--show-labels", "--watch", "--filename", "--overwrite", "--replicas", "--image", "--tail", "--container", "--stdin"];
    private static readonly string[] s_outputFormats = ["wide", "yaml", "json", "name", "jsonpath="];
    private static readonly string[] s_kindsWithNames = ["get", "describe", "delete", "label", "scale", "explain"];
    private static readonly string[] s_podVerbs = ["exec", "logs"];
    private static readonly string[] s_ciliumDbgWords = ["status", "endpoint", "identity", "policy", "bpf", "service", "monitor"];

    public static CompletionResult Complete(string line, int cursor, CompletionData data)
    {
        var before = line[..Math.Clamp(cursor, 0, line.Length)];
        var start = before.LastIndexOfAny([' ', '\t', '|', ';', '&', '(']) + 1;
        var word = before[start..];
        // Only the current command after the last | ; && || matters.
        var segment = before[..start];
        var cut = segment.LastIndexOfAny(['|', ';', '&']);
        var words = segment[(cut + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new CompletionResult(start, word, Candidates(words, word, data).Where(c => c.StartsWith(word, StringComparison.Ordinal))
            .Distinct().Order(StringComparer.Ordinal).ToList());
    }

    private static IEnumerable<string> Candidates(string[] words, string word, CompletionData data)
    {
        if (words.Length == 0)
        {
            return data.Commands;
        }
        var previous = words[^1];
        if (previous is "-f" or "--filename" || words[0] is "cat" or "grep" or "head" or "tail" or "wc" or "sort" or "ls")
        {
            return word.StartsWith('-') ? [] : data.Files;
        }
        if (previous is "-o" or "--output")
        {
            return s_outputFormats;
        }
        if (previous is "-n" or "--namespace")
        {
            return data.NamesByKind.GetValueOrDefault("namespaces") ?? [];
        }
        if (words[0] == "cilium-dbg" && words.Length == 1)
        {
            return s_ciliumDbgWords;
        }
        if (words[0] == "hubble" && words.Length == 1)
        {
            return ["observe", "status"];
        }
        if (words[0] == "bpftool")
        {
            return BpftoolWords(words.Skip(1).Where(w => !w.StartsWith('-')).ToArray(), word);
        }
        if (words[0] != "kubectl")
        {
            return [];
        }
        if (word.StartsWith('-'))
        {
            return s_kubectlFlags;
        }
        var positional = Positionals(words.Skip(1).ToArray());
        if (positional.Count == 0)
        {
            return KubectlCommand.VerbNames;
        }
        var verb = positional[0];
        if (s_podVerbs.Contains(verb))
        {
            return positional.Count == 1 ? data.NamesByKind.GetValueOrDefault("pods") ?? [] : [];
        }
        if (!s_kindsWithNames.Contains(verb))
        {
            return [];
        }
        if (positional.Count == 1)
        {
            return ResourceKinds.All.SelectMany(k => new[] { k.Plural }.Concat(k.ShortNames)).Append("all");
        }
        var kind = ResourceKinds.Resolve(positional[1]);
        return kind is null || verb == "explain" ? [] : data.NamesByKind.GetValueOrDefault(kind.Plural) ?? [];
    }

    /// <summary>bpftool's allowed words (see BpftoolParser): object, verb, dump mode, then how to name the object.</summary>
    private static IEnumerable<string> BpftoolWords(string[] positional, string word) => (word.StartsWith('-'), positional) switch
    {
        (true, _) => ["-j", "-p", "--json", "--pretty"],
        (_, []) => ["prog", "map", "version", "help"],
        (_, ["prog"]) => ["show", "list", "dump"],
        (_, ["map"]) => ["show", "list", "dump", "lookup", "getnext", "peek"],
        (_, ["prog", "dump"]) => ["xlated"],
        (_, ["prog", "show" or "list"] or ["prog", "dump", _]) => ["id", "pinned", "name", "tag"],
        (_, ["map", _]) => ["id", "pinned", "name"],
        _ => [],
    };

    /// <summary>kubectl words that are not flags or flag values.</summary>
    private static List<string> Positionals(string[] args)
    {
        var result = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--")
            {
                break;
            }
            if (args[i] is "-n" or "--namespace" or "-o" or "--output" or "-l" or "--selector" or "-f" or "--filename" or "-c" or "--container")
            {
                i++;
                continue;
            }
            if (!args[i].StartsWith('-'))
            {
                result.Add(args[i]);
            }
        }
        return result;
    }
}
