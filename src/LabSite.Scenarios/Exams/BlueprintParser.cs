using System.Globalization;
using LabSite.Scenarios.Loading;
using YamlDotNet.RepresentationModel;

namespace LabSite.Scenarios.Exams;

/// <summary>Parses one blueprint file (<c>blueprints/&lt;id&gt;.yaml</c>) and checks its own consistency.</summary>
public static class BlueprintParser
{
    public static ExamBlueprint? Parse(string file, string text, List<Diagnostic> diagnostics)
    {
        var y = new YamlNodes(file, diagnostics);
        var root = y.ParseRoot(text);
        if (root is null)
        {
            return null;
        }
        y.RejectUnknownKeys(root, "a blueprint", "id", "name", "date", "questions", "minutes", "pass", "domains");
        var id = y.String(root, "id", "a blueprint");
        var what = id is null ? "a blueprint" : $"blueprint '{id}'";
        var name = y.String(root, "name", what);
        var dateText = y.String(root, "date", what);
        var questions = y.Int(root, "questions", what);
        var minutes = y.Int(root, "minutes", what);
        var pass = y.Int(root, "pass", what);
        var domains = ParseDomains(y, root, what);

        DateOnly date = default;
        if (dateText is not null && !DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            y.Error(y.Child(root, "date")!, $"'date' of {what} must be YYYY-MM-DD, got '{dateText}'");
        }
        if (questions is < 1)
        {
            y.Error(y.Child(root, "questions")!, $"'questions' of {what} must be at least 1");
        }
        if (minutes is < 1)
        {
            y.Error(y.Child(root, "minutes")!, $"'minutes' of {what} must be at least 1");
        }
        if (pass is < 1 or > 100)
        {
            y.Error(y.Child(root, "pass")!, $"'pass' of {what} is a percentage from 1 to 100, got {pass}");
        }
        if (domains is { Count: > 0 } && domains.Sum(d => d.Weight) != 100)
        {
            y.Error(y.Child(root, "domains")!, $"domain weights of {what} add up to {domains.Sum(d => d.Weight)}, expected 100");
        }
        foreach (var dup in domains?.GroupBy(d => d.Id).Where(g => g.Count() > 1) ?? [])
        {
            y.Error(dup.Last().Location, $"domain id '{dup.Key}' appears twice in {what}");
        }

        if (id is null || name is null || questions is null || minutes is null || pass is null || domains is null)
        {
            return null;
        }
        return new ExamBlueprint(id, name, date, questions.Value, minutes.Value, pass.Value, domains, y.At(root));
    }

    private static List<BlueprintDomain>? ParseDomains(YamlNodes y, YamlMappingNode root, string what)
    {
        var seq = y.Sequence(root, "domains", what);
        if (seq is null)
        {
            return null;
        }
        var domains = new List<BlueprintDomain>();
        foreach (var node in seq.Children)
        {
            if (node is not YamlMappingNode map)
            {
                y.Error(node, $"each domain of {what} must be a mapping with id, name, weight and labs");
                continue;
            }
            y.RejectUnknownKeys(map, $"a domain of {what}", "id", "name", "weight", "labs");
            var id = y.String(map, "id", $"a domain of {what}");
            var domainWhat = $"domain '{id}' of {what}";
            var name = y.String(map, "name", domainWhat);
            var weight = y.Int(map, "weight", domainWhat);
            if (weight is < 1 or > 100)
            {
                y.Error(y.Child(map, "weight")!, $"'weight' of {domainWhat} is a percentage from 1 to 100, got {weight}");
            }
            var labs = new List<string>();
            if (y.Child(map, "labs") is { } labsNode)
            {
                if (labsNode is YamlSequenceNode labSeq)
                {
                    labs.AddRange(labSeq.Children.OfType<YamlScalarNode>().Select(s => s.Value!).Where(v => v is not null));
                }
                else
                {
                    y.Error(labsNode, $"'labs' of {domainWhat} must be a list of lab ids");
                }
            }
            if (id is not null && name is not null && weight is not null)
            {
                domains.Add(new BlueprintDomain(id, name, weight.Value, labs, y.At(map)));
            }
        }
        return domains;
    }
}
