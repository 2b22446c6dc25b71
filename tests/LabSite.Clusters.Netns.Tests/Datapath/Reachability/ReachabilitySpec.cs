namespace LabSite.Clusters.Netns.Tests.Datapath.Reachability;

/// <summary>
/// A reachability spec file (Specs/PolicyReachability.md): one <c>```yaml world</c> block before the first case (the
/// namespaces and pods every case shares), then one <c>## case</c> per heading whose fenced blocks run in order:
/// <c>```yaml apply</c> / <c>```yaml delete</c> (manifests), <c>```sh</c> (kubectl lines typed into the lab shell)
/// and <c>```text matrix</c> (cells probed with real connections, see <see cref="ProbeCell"/>).
/// Lines are counted from 1, as editors show them.
/// </summary>
public sealed partial record ReachabilitySpec(string Path, string World, int WorldLine, IReadOnlyList<ReachabilityCase> Cases)
{
    /// <summary>Parses a spec; any malformed line fails with <c>path:line: what is wrong</c>.</summary>
    public static ReachabilitySpec Parse(string text, string path)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        string? world = null;
        var worldLine = 0;
        var cases = new List<ReachabilityCase>();
        (string Name, int Line, List<SpecStep> Steps)? current = null;

        void Close()
        {
            if (current is { } c)
            {
                if (!c.Steps.OfType<MatrixStep>().Any())
                {
                    throw Error(path, c.Line, $"case \"{c.Name}\" has no ```text matrix block");
                }
                cases.Add(new ReachabilityCase(c.Name, c.Line, c.Steps));
            }
        }

        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var number = i + 1;
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                Close();
                var name = line[3..].Trim();
                if (cases.Any(c => c.Name == name))
                {
                    throw Error(path, number, $"case \"{name}\" appears twice");
                }
                current = (name, number, []);
                continue;
            }
            if (!line.StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            var info = line[3..].Trim();
            var body = new List<string>();
            var end = i + 1;
            while (end < lines.Length && !lines[end].StartsWith("```", StringComparison.Ordinal))
            {
                body.Add(lines[end]);
                end++;
            }
            if (end == lines.Length)
            {
                throw Error(path, number, $"block ```{info} is never closed");
            }
            i = end;
            var bodyText = string.Join('\n', body);
            if (info == "yaml world")
            {
                if (current is not null || world is not null)
                {
                    throw Error(path, number, "```yaml world must come once, before the first case");
                }
                (world, worldLine) = (bodyText, number + 1);
                continue;
            }
            if (current is null)
            {
                throw Error(path, number, $"block ```{info} is outside any case (cases start with \"## \")");
            }
            current.Value.Steps.Add(info switch
            {
                "yaml apply" => new ManifestStep(number + 1, bodyText, Delete: false),
                "yaml delete" => new ManifestStep(number + 1, bodyText, Delete: true),
                "sh" => ShellStep.Parse(path, number + 1, body),
                "text matrix" => MatrixStep.Parse(path, number + 1, body),
                _ => throw Error(path, number, $"unknown block ```{info}; expected yaml apply, yaml delete, sh or text matrix"),
            });
        }
        Close();
        if (world is null)
        {
            throw Error(path, 1, "no ```yaml world block (the namespaces and pods the cases share)");
        }
        return new ReachabilitySpec(path, world, worldLine, cases);
    }

    public static ReachabilitySpec Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>
    /// Fills the placeholders of a manifest or shell line with the lab's addresses, which depend on its slot:
    /// <c>{{ip prod/api}}</c> (an endpoint's address, as matrix lines name it: a pod, <c>host</c>, <c>world-a</c>)
    /// and <c>{{pod-cidr}}</c> (the lab's pod network). Anything else in <c>{{ }}</c> fails with file:line.
    /// </summary>
    public static string Expand(string text, Func<string, System.Net.IPAddress> addressOf, string podCidr, string path, int line) =>
        Placeholder().Replace(text, m =>
        {
            var name = m.Groups[1].Value.Trim();
            if (name == "pod-cidr")
            {
                return podCidr;
            }
            if (name.StartsWith("ip ", StringComparison.Ordinal))
            {
                return addressOf(name[3..].Trim()).ToString();
            }
            throw Error(path, line + text[..m.Index].Count(c => c == '\n'), $"unknown placeholder {m.Value} (expected {{{{ip <endpoint>}}}} or {{{{pod-cidr}}}})");
        });

    [System.Text.RegularExpressions.GeneratedRegex(@"\{\{([^}]*)\}\}")]
    private static partial System.Text.RegularExpressions.Regex Placeholder();

    internal static FormatException Error(string path, int line, string message) => new($"{System.IO.Path.GetFileName(path)}:{line}: {message}");
}

public sealed record ReachabilityCase(string Name, int Line, IReadOnlyList<SpecStep> Steps)
{
    public IEnumerable<ProbeCell> Cells => Steps.OfType<MatrixStep>().SelectMany(m => m.Cells);

    public override string ToString() => Name;
}

/// <summary>One block of a case, run in file order.</summary>
public abstract record SpecStep(int Line);

/// <summary>Manifests applied (or deleted) as <c>kubectl apply -f</c> / <c>kubectl delete -f</c> would.</summary>
public sealed record ManifestStep(int Line, string Yaml, bool Delete) : SpecStep(Line);

/// <summary>Command lines for the lab shell (e.g. <c>kubectl label pod db -n prod app=web --overwrite</c>), one per line.</summary>
public sealed record ShellStep(int Line, IReadOnlyList<(int Line, string Command)> Commands) : SpecStep(Line)
{
    public static ShellStep Parse(string path, int first, IReadOnlyList<string> body)
    {
        var commands = body.Select((text, i) => (Line: first + i, Command: text.Trim()))
            .Where(c => c.Command.Length > 0 && !c.Command.StartsWith('#'))
            .ToList();
        if (commands.Count == 0)
        {
            throw ReachabilitySpec.Error(path, first - 1, "```sh block has no command");
        }
        return new ShellStep(first, commands);
    }
}

/// <summary>The expected reachability matrix at this point of the case.</summary>
public sealed record MatrixStep(int Line, IReadOnlyList<ProbeCell> Cells) : SpecStep(Line)
{
    public static MatrixStep Parse(string path, int first, IReadOnlyList<string> body)
    {
        var cells = new List<ProbeCell>();
        for (var i = 0; i < body.Count; i++)
        {
            var text = body[i].Trim();
            if (text.Length == 0 || text.StartsWith('#'))
            {
                continue;
            }
            var cell = ProbeCell.Parse(text, path, first + i);
            if (cells.FirstOrDefault(c => c.Key == cell.Key) is { } twice)
            {
                throw ReachabilitySpec.Error(path, first + i, $"cell {cell.Key} already given at line {twice.Line}");
            }
            cells.Add(cell);
        }
        if (cells.Count == 0)
        {
            throw ReachabilitySpec.Error(path, first - 1, "```text matrix block has no cell");
        }
        return new MatrixStep(first, cells);
    }
}
