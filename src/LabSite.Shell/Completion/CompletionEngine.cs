namespace LabSite.Shell.Completion;

/// <summary>
/// What completion may offer: gathered by the caller (lab files; for a kubectl line, the real kubectl's answer, see
/// <see cref="KubectlCompletion"/>) so completion stays pure.
/// </summary>
public sealed record CompletionData(IReadOnlyList<string> Commands, IReadOnlyList<string> Files, KubectlCandidates? Kubectl = null);

/// <summary>A kubectl line up to the cursor: the words after <c>kubectl</c> and the word being completed.</summary>
public sealed record KubectlWords(IReadOnlyList<string> Args, string Word);

/// <summary>
/// The word being completed (from <see cref="Start"/> to the cursor) and the candidates, sorted (in kubectl's order when
/// it asks to keep it); <see cref="NoSpace"/> when a single candidate is not a whole word yet (<c>--output=</c>).
/// </summary>
public sealed record CompletionResult(int Start, string Word, IReadOnlyList<string> Candidates, bool NoSpace = false)
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
/// Tab completion as a pure function of the line, the cursor and <see cref="CompletionData"/>: command names first;
/// for kubectl, what the real kubectl answered (files of the lab folder where it asks for files); the lab shell's own
/// cilium-dbg, hubble and bpftool words; lab files for file commands.
/// </summary>
public static class CompletionEngine
{
    private static readonly string[] s_ciliumDbgWords = ["status", "endpoint", "identity", "policy", "bpf", "service", "monitor"];

    public static CompletionResult Complete(string line, int cursor, CompletionData data)
    {
        var (start, word, words) = Split(line, cursor);
        if (words is ["kubectl", ..])
        {
            return Kubectl(start, word, data);
        }
        return new CompletionResult(start, word, Candidates(words, word, data).Where(c => c.StartsWith(word, StringComparison.Ordinal))
            .Distinct().Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>The kubectl line being completed at <paramref name="cursor"/>, for asking kubectl; null when the current command is not kubectl.</summary>
    public static KubectlWords? KubectlLine(string line, int cursor)
    {
        var (_, word, words) = Split(line, cursor);
        return words is ["kubectl", .. var args] ? new KubectlWords(args, word) : null;
    }

    /// <summary>Where the word at the cursor starts, the word, and the words of the current command before it (after the last | ; &amp;&amp; ||).</summary>
    private static (int Start, string Word, string[] Words) Split(string line, int cursor)
    {
        var before = line[..Math.Clamp(cursor, 0, line.Length)];
        var start = before.LastIndexOfAny([' ', '\t', '|', ';', '&', '(']) + 1;
        var segment = before[..start];
        var cut = segment.LastIndexOfAny(['|', ';', '&']);
        return (start, before[start..], segment[(cut + 1)..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>kubectl's own candidates, as cobra's directive says: extensions mean lab files with them, the default with no candidates means files.</summary>
    private static CompletionResult Kubectl(int start, string word, CompletionData data)
    {
        var answer = data.Kubectl ?? KubectlCandidates.None;
        var directive = answer.Directive;
        IEnumerable<string> candidates;
        if (directive.HasFlag(CompletionDirective.Error))
        {
            candidates = [];
        }
        else if (directive.HasFlag(CompletionDirective.FilterFileExt))
        {
            candidates = data.Files.Where(f => answer.Values.Any(ext => f.EndsWith("." + ext, StringComparison.Ordinal)));
        }
        else if (directive.HasFlag(CompletionDirective.FilterDirs))
        {
            // Only the lab folder's files are listed; the real kubectl reads folders given to -f, but completion offers none.
            candidates = [];
        }
        else if (answer.Values.Count == 0 && !directive.HasFlag(CompletionDirective.NoFileComp))
        {
            candidates = data.Files;
        }
        else
        {
            candidates = answer.Values;
        }
        var matching = candidates.Where(c => c.StartsWith(word, StringComparison.Ordinal)).Distinct();
        var ordered = directive.HasFlag(CompletionDirective.KeepOrder) ? matching.ToList() : matching.Order(StringComparer.Ordinal).ToList();
        return new CompletionResult(start, word, ordered, NoSpace: directive.HasFlag(CompletionDirective.NoSpace));
    }

    private static IEnumerable<string> Candidates(string[] words, string word, CompletionData data)
    {
        if (words.Length == 0)
        {
            return data.Commands;
        }
        if (words[0] is "cat" or "grep" or "head" or "tail" or "wc" or "sort" or "ls")
        {
            return word.StartsWith('-') ? [] : data.Files;
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
        return [];
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
}
