using LabSite.Scenarios.Model;
using LabSite.Scenarios.Yaml;
using YamlDotNet.RepresentationModel;

namespace LabSite.Scenarios.Loading;

/// <summary>
/// Reads lab.md's YAML front matter (between the first two <c>---</c> lines) into <see cref="LabMeta"/>.
/// Keys follow docs/authoring.md; every problem is reported with its line and column in lab.md.
/// </summary>
public static class FrontMatterReader
{
    public static readonly IReadOnlyList<string> Keys =
        ["id", "title", "summary", "duration", "difficulty", "tags", "cca_domains", "backends"];

    public static readonly IReadOnlyDictionary<string, Difficulty> Difficulties = new Dictionary<string, Difficulty>
    {
        ["beginner"] = Difficulty.Beginner,
        ["intermediate"] = Difficulty.Intermediate,
        ["advanced"] = Difficulty.Advanced,
    };

    public static readonly IReadOnlyList<string> Backends = ["netns", "kind"];

    private const string Context = "front matter";

    /// <summary>Reads the front matter of <paramref name="lines"/>; null (with diagnostics) when it is missing or invalid.</summary>
    /// <param name="folderName">The lab folder's name, which the id must equal.</param>
    public static LabMeta? Read(string file, IReadOnlyList<string> lines, string folderName, DiagnosticBag bag)
    {
        var start = new SourceLocation(file, 1, 1);
        if (lines.Count == 0 || lines[0].TrimEnd() != "---")
        {
            bag.Error(start, "lab.md must begin with front matter: a '---' line, the keys id, title, summary, duration, difficulty and backends, then a closing '---' line");
            return null;
        }

        var end = -1;
        for (var i = 1; i < lines.Count; i++)
        {
            if (lines[i].TrimEnd() is "---" or "...")
            {
                end = i;
                break;
            }
        }

        if (end < 0)
        {
            bag.Error(start, "the front matter that begins here is never closed; end it with a '---' line");
            return null;
        }

        // YAML line k (1-based) is file line k + 1: the opening '---' is line 1.
        var map = Enumerable.Range(2, end - 1).Select(line => (line, 0)).ToList();
        var source = new YamlSource(file, start, map);
        var root = source.Parse(string.Join('\n', lines.Skip(1).Take(end - 1)), bag, "the front matter");
        if (root is null)
        {
            return null;
        }

        if (root is not YamlMappingNode mapping)
        {
            bag.Error(source.At(root), "the front matter must be YAML keys such as 'id: my-lab', not " + YamlMapReader.Describe(root));
            return null;
        }

        var errorsBefore = bag.Items.Count;
        var reader = new YamlMapReader(mapping, source, bag, Context, Keys, missingKeyLocation: start);
        var id = reader.String("id", required: true);
        if (id is not null)
        {
            if (!LabIds.IsValid(id))
            {
                reader.Error("id", $"lab id \"{id}\" must use {LabIds.Rule}, like \"{LabIds.Slug(id)}\"");
            }
            else if (id != folderName)
            {
                reader.Error("id", $"lab id \"{id}\" does not match its folder name \"{folderName}\"; rename one so they agree");
            }
        }

        var title = reader.String("title", required: true);
        var summary = reader.String("summary", required: true);
        var duration = reader.Int("duration", 1, 600, "a whole number of minutes", required: true);
        var difficulty = reader.Enum("difficulty", Difficulties, required: true);
        var tags = Distinct(reader, "tags", reader.StringList("tags"), allowed: null);
        var domains = Distinct(reader, "cca_domains", reader.StringList("cca_domains"), CcaDomains.All);
        var backends = Distinct(reader, "backends", reader.StringList("backends", required: true), Backends);

        if (bag.Items.Count > errorsBefore || id is null || title is null || summary is null || duration is null || difficulty is null)
        {
            return null;
        }

        return new LabMeta(id, title, summary, duration.Value, difficulty.Value, tags, domains, backends);
    }

    /// <summary>Checks a list for repeats and (when <paramref name="allowed"/> is given) unknown values.</summary>
    private static IReadOnlyList<string> Distinct(YamlMapReader reader, string key, IReadOnlyList<(string Value, SourceLocation Location)> items, IReadOnlyList<string>? allowed)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var (value, location) in items)
        {
            if (allowed is not null && !allowed.Contains(value))
            {
                reader.Bag.Error(location, reader.BadChoice(key, value, allowed));
            }
            else if (!seen.Add(value))
            {
                reader.Bag.Error(location, $"\"{key}\" in {Context} lists \"{value}\" twice");
            }
            else
            {
                result.Add(value);
            }
        }

        return result;
    }
}
