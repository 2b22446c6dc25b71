using LabSite.Clusters.Contract;
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
        ["id", "title", "summary", "duration", "difficulty", "tags", "cca_domains", "backends", "outside", "nodes", "clusters"];

    public static readonly IReadOnlyDictionary<string, Difficulty> Difficulties = new Dictionary<string, Difficulty>
    {
        ["beginner"] = Difficulty.Beginner,
        ["intermediate"] = Difficulty.Intermediate,
        ["advanced"] = Difficulty.Advanced,
    };

    public static readonly IReadOnlyList<string> Backends = ["netns", "kind"];

    /// <summary>What a lab that says nothing about backends runs on.</summary>
    public static readonly IReadOnlyList<string> DefaultBackends = ["netns"];

    /// <summary>The most nodes a lab cluster may have (<c>nodes:</c>); each costs a node namespace and its agents.</summary>
    public const int MaxNodes = LabSite.Clusters.Contract.ClusterRequest.MaxNodes;

    private const string Context = "front matter";

    /// <summary>Reads the front matter of <paramref name="lines"/>; null (with diagnostics) when it is missing or invalid.</summary>
    /// <param name="folderName">The lab folder's name, which the id must equal.</param>
    public static LabMeta? Read(string file, IReadOnlyList<string> lines, string folderName, DiagnosticBag bag)
    {
        var start = new SourceLocation(file, 1, 1);
        if (lines.Count == 0 || lines[0].TrimEnd() != "---")
        {
            bag.Error(start, "lab.md must begin with front matter: a '---' line, the keys id, title, summary, duration and difficulty, then a closing '---' line");
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
        // a lab without backends: runs where every lab runs, the netns backend
        var backends = mapping.Children.ContainsKey(new YamlScalarNode("backends"))
            ? Distinct(reader, "backends", reader.StringList("backends", required: true), Backends)
            : DefaultBackends;
        if (backends.Count == 0 && bag.Items.Count == errorsBefore)
        {
            reader.Error("backends", "\"backends\" in front matter lists no backend; name where the lab runs, e.g. [netns] or [netns, kind]");
        }
        var outside = Outside(reader);
        var nodes = reader.Int("nodes", 1, MaxNodes, "a whole number of nodes") ?? 1;
        var clusters = MeshClusters(reader, source);
        if (clusters is not null && backends.Any(b => b != "netns"))
        {
            reader.Error("backends", "a lab with \"clusters\" (a Cluster Mesh) runs on the netns backend only; list backends: [netns]");
        }
        if (clusters is not null && nodes != 1)
        {
            reader.Error("nodes", "a lab with \"clusters\" (a Cluster Mesh) has one node per cluster; remove \"nodes\"");
        }

        if (bag.Items.Count > errorsBefore || id is null || title is null || summary is null || duration is null || difficulty is null)
        {
            return null;
        }

        return new LabMeta(id, title, summary, duration.Value, difficulty.Value, tags, domains, backends, outside, nodes, clusters);
    }

    /// <summary>
    /// <c>clusters:</c>, a Cluster Mesh: items <c>{name: east, id: 1}</c>, the first the lab's own cluster, checked as
    /// Cilium checks <c>cluster.name</c>/<c>cluster.id</c> (<see cref="MeshCluster.Validate"/>).
    /// </summary>
    private static IReadOnlyList<MeshCluster>? MeshClusters(YamlMapReader reader, YamlSource source)
    {
        if (reader.Sequence("clusters", "{name: east, id: 1}") is not { } items)
        {
            return null;
        }
        var result = new List<MeshCluster>();
        foreach (var item in items.Children)
        {
            if (item is not YamlMappingNode map)
            {
                reader.Bag.Error(source.At(item), $"each item of \"clusters\" in {Context} is a mapping like {{name: east, id: 1}}; got {YamlMapReader.Describe(item)}");
                continue;
            }
            var entry = new YamlMapReader(map, source, reader.Bag, $"an item of \"clusters\" in {Context}", ["name", "id"], missingKeyLocation: source.At(item));
            var name = entry.String("name", required: true);
            var id = entry.Int("id", 1, MeshCluster.MaxId, "a cluster id", required: true);
            if (name is not null && id is not null)
            {
                result.Add(new MeshCluster(name, id.Value));
            }
        }
        foreach (var error in MeshCluster.Validate(result))
        {
            reader.Error("clusters", error);
        }
        return result;
    }

    /// <summary>
    /// <c>outside:</c>, the lab's simulated outside world: entries <c>NAME</c> or <c>NAME ttl=SECONDS</c>, a DNS name
    /// with a domain outside cluster.local, each once. The netns backend gives each an address and an HTTP server.
    /// </summary>
    private static IReadOnlyList<string> Outside(YamlMapReader reader)
    {
        var result = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (value, location) in reader.StringList("outside"))
        {
            var fields = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var name = fields.Length > 0 ? fields[0].TrimEnd('.').ToLowerInvariant() : "";
            var labels = name.Split('.');
            if (fields.Length is 0 or > 2 || labels.Length < 2 || labels.Any(l => l.Length is 0 or > 63 || !l.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            {
                reader.Bag.Error(location, $"outside host \"{value}\" must be a DNS name with a domain, optionally followed by ttl=SECONDS (e.g. \"api.example.com ttl=600\")");
            }
            else if (name.EndsWith(".cluster.local", StringComparison.Ordinal))
            {
                reader.Bag.Error(location, $"outside host \"{name}\" is inside the cluster domain; pick a name outside cluster.local");
            }
            else if (fields.Length == 2 && !(fields[1].StartsWith("ttl=", StringComparison.Ordinal) && uint.TryParse(fields[1].AsSpan(4), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ttl) && ttl <= 86400))
            {
                reader.Bag.Error(location, $"outside host \"{value}\": expected ttl=SECONDS (0 to 86400) after the name");
            }
            else if (!seen.Add(name))
            {
                reader.Bag.Error(location, $"outside host \"{name}\" is listed twice");
            }
            else
            {
                result.Add(value.Trim());
            }
        }
        return result;
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
