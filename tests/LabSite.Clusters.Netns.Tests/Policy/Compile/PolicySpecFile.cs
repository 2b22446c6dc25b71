using System.Text.RegularExpressions;

namespace LabSite.Clusters.Netns.Tests.Policy.Compile;

/// <summary>
/// Reads a policy spec file: Markdown with one <c>## case</c> per heading, each holding fenced blocks
/// <c>```yaml pods</c>, <c>```yaml policy</c> (optional, multi-document) and <c>```text &lt;pod&gt;</c> with the
/// expected map of that pod (first line <c>ENFORCEMENT &lt;ingress&gt; &lt;egress&gt;</c>, then one entry per line).
/// </summary>
public sealed partial record PolicySpecCase(string Name, int Line, string Pods, string Policies, IReadOnlyDictionary<string, string> Expected)
{
    public override string ToString() => Name;

    [GeneratedRegex(@"^```(\w+)(?: (\S+))?\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();

    public static IReadOnlyList<PolicySpecCase> Load(string path)
    {
        var text = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        var cases = new List<PolicySpecCase>();
        var sections = Regex.Split(text, @"^## ", RegexOptions.Multiline).Skip(1);
        foreach (var section in sections)
        {
            var name = section[..section.IndexOf('\n', StringComparison.Ordinal)].Trim();
            var line = text[..text.IndexOf("## " + name, StringComparison.Ordinal)].Count(c => c == '\n') + 1;
            string pods = "", policies = "";
            var expected = new Dictionary<string, string>();
            foreach (Match m in Fence().Matches(section))
            {
                var (lang, tag, body) = (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value);
                switch (lang, tag)
                {
                    case ("yaml", "pods"): pods = body; break;
                    case ("yaml", "policy"): policies = body; break;
                    case ("text", _): expected[tag] = body.Trim(); break;
                    default: throw new FormatException($"{path}:{line}: unknown block ```{lang} {tag}");
                }
            }
            cases.Add(new PolicySpecCase(name, line, pods, policies, expected));
        }
        return cases;
    }
}
