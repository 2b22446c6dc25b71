using System.Globalization;
using LabSite.Scenarios.Loading;
using LabSite.Scenarios.Yaml;
using YamlDotNet.RepresentationModel;

namespace LabSite.Scenarios.Exams;

/// <summary>
/// Parses one blueprint file (<c>blueprints/&lt;id&gt;.yaml</c>) and checks its own consistency. It reads YAML as lab
/// files are read (<see cref="YamlMapReader"/>): file:line:column, unknown keys with a "did you mean", repeated keys.
/// </summary>
public static class BlueprintParser
{
    private static readonly string[] s_keys = ["id", "name", "date", "questions", "minutes", "pass", "domains"];
    private static readonly string[] s_domainKeys = ["id", "name", "weight", "labs"];

    public static ExamBlueprint? Parse(string file, string text, List<Diagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        var bag = new DiagnosticBag();
        var blueprint = Parse(YamlSource.ForFile(file, text), text, bag);
        diagnostics.AddRange(bag.Items);
        return blueprint;
    }

    private static ExamBlueprint? Parse(YamlSource source, string text, DiagnosticBag bag)
    {
        if (ExamYaml.Root(source, text, bag, "the blueprint", "id: cca-2025-11") is not { } root)
        {
            return null;
        }
        var idText = YamlMapReader.ScalarText(root, "id");
        var what = idText is null ? "the blueprint" : $"blueprint '{idText}'";
        var reader = new YamlMapReader(root, source, bag, what, s_keys, missingKeyLocation: source.Origin);
        var id = ExamYaml.Text(reader, "id");
        var name = ExamYaml.Text(reader, "name");
        var dateText = ExamYaml.Text(reader, "date");
        var questions = reader.Int("questions", 1, 1000, "a whole number of questions", required: true);
        var minutes = reader.Int("minutes", 1, 600, "a whole number of minutes", required: true);
        var pass = reader.Int("pass", 1, 100, "a percentage", required: true);
        var domains = ParseDomains(reader, what);

        DateOnly date = default;
        if (dateText is not null && !DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            reader.Error("date", $"\"date\" in {what} must be YYYY-MM-DD; got \"{dateText}\"");
        }
        if (domains is { Count: > 0 } && domains.Sum(d => d.Weight) != 100)
        {
            reader.Error("domains", $"domain weights of {what} add up to {domains.Sum(d => d.Weight)}, expected 100");
        }
        foreach (var dup in domains?.GroupBy(d => d.Id).Where(g => g.Count() > 1) ?? [])
        {
            bag.Error(dup.Last().Location, $"domain id '{dup.Key}' appears twice in {what}");
        }

        if (id is null || name is null || questions is null || minutes is null || pass is null || domains is null)
        {
            return null;
        }
        return new ExamBlueprint(id, name, date, questions.Value, minutes.Value, pass.Value, domains, source.At(root));
    }

    private static List<BlueprintDomain>? ParseDomains(YamlMapReader blueprint, string what)
    {
        var list = blueprint.Sequence("domains", "id: network-policy", required: true);
        if (list is null)
        {
            return null;
        }
        var domains = new List<BlueprintDomain>();
        for (var i = 0; i < list.Children.Count; i++)
        {
            var node = list.Children[i];
            if (node is not YamlMappingNode map)
            {
                blueprint.Bag.Error(blueprint.Source.At(node), $"domain {i + 1} of {what} must be a mapping with id, name, weight and labs; got {YamlMapReader.Describe(node)}");
                continue;
            }
            var idText = YamlMapReader.ScalarText(map, "id");
            var domainWhat = idText is null ? $"domain {i + 1} of {what}" : $"domain '{idText}' of {what}";
            var reader = new YamlMapReader(map, blueprint.Source, blueprint.Bag, domainWhat, s_domainKeys, missingKeyLocation: blueprint.Source.At(map));
            var id = ExamYaml.Text(reader, "id");
            var name = ExamYaml.Text(reader, "name");
            var weight = reader.Int("weight", 1, 100, "a percentage", required: true);
            var labs = reader.StringList("labs").Select(l => l.Value).ToList();
            if (id is not null && name is not null && weight is not null)
            {
                domains.Add(new BlueprintDomain(id, name, weight.Value, labs, blueprint.Source.At(map)));
            }
        }
        return domains;
    }
}
