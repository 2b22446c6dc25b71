using LabSite.Scenarios.Loading;
using YamlDotNet.RepresentationModel;

namespace LabSite.Scenarios.Exams;

/// <summary>
/// Parses one question file (<c>questions: [...]</c>) into questions, checking shape only: fields present and
/// of the right type. The bank-wide rules (answer counts, links, coverage) live in <see cref="QuestionBankValidator"/>.
/// </summary>
public static class QuestionFileParser
{
    private static readonly string[] s_questionKeys = ["id", "topic", "domains", "difficulty", "stem", "multiple", "options", "docs"];
    private static readonly string[] s_optionKeys = ["text", "correct", "why"];

    public static IReadOnlyList<ExamQuestion> Parse(string file, string text, List<Diagnostic> diagnostics)
    {
        var y = new YamlNodes(file, diagnostics);
        var root = y.ParseRoot(text);
        if (root is null)
        {
            return [];
        }
        y.RejectUnknownKeys(root, "a question file", "questions");
        var list = y.Sequence(root, "questions", "a question file");
        if (list is null)
        {
            return [];
        }

        var questions = new List<ExamQuestion>();
        foreach (var node in list.Children)
        {
            if (node is not YamlMappingNode map)
            {
                y.Error(node, "each entry of 'questions' must be a mapping with id, stem, options, ...");
                continue;
            }
            if (ParseQuestion(y, map) is { } question)
            {
                questions.Add(question);
            }
        }
        return questions;
    }

    private static ExamQuestion? ParseQuestion(YamlNodes y, YamlMappingNode map)
    {
        var id = y.String(map, "id", "a question");
        var what = id is null ? "a question" : $"question '{id}'";
        y.RejectUnknownKeys(map, what, s_questionKeys);
        var topic = y.String(map, "topic", what);
        var difficulty = y.Int(map, "difficulty", what);
        if (difficulty is < 1 or > 3)
        {
            y.Error(y.Child(map, "difficulty")!, $"'difficulty' of {what} must be 1 (easy), 2 (medium) or 3 (hard), got {difficulty}");
        }
        var stem = y.String(map, "stem", what);
        var multiple = y.Bool(map, "multiple", what);
        var docs = y.String(map, "docs", what);
        var domains = ParseDomains(y, map, what);
        var options = ParseOptions(y, map, what);

        if (id is null || topic is null || stem is null || docs is null || domains is null || options is null)
        {
            return null;
        }
        return new ExamQuestion(id, topic, domains, difficulty ?? 2, stem, multiple, options, docs, y.At(map));
    }

    private static Dictionary<string, string>? ParseDomains(YamlNodes y, YamlMappingNode map, string what)
    {
        var node = y.Mapping(map, "domains", what);
        if (node is null)
        {
            return null;
        }
        var domains = new Dictionary<string, string>();
        foreach (var (key, value) in node.Children)
        {
            if (key is YamlScalarNode k && value is YamlScalarNode v && !string.IsNullOrWhiteSpace(v.Value))
            {
                domains[k.Value!] = v.Value!.Trim();
            }
            else
            {
                y.Error(key, $"'domains' of {what} maps a blueprint id to a domain id, e.g. 'cca-2024: network-policy'");
            }
        }
        return domains;
    }

    private static List<ExamOption>? ParseOptions(YamlNodes y, YamlMappingNode map, string what)
    {
        var seq = y.Sequence(map, "options", what);
        if (seq is null)
        {
            return null;
        }
        var options = new List<ExamOption>();
        foreach (var node in seq.Children)
        {
            if (node is not YamlMappingNode option)
            {
                y.Error(node, $"each option of {what} must be a mapping with text, why and optionally correct");
                continue;
            }
            var optionWhat = $"an option of {what}";
            y.RejectUnknownKeys(option, optionWhat, s_optionKeys);
            var text = y.String(option, "text", optionWhat);
            // A missing `why` is a bank rule (validator), not a shape error, so it is reported once, precisely.
            var why = y.String(option, "why", optionWhat, required: false) ?? "";
            var correct = y.Bool(option, "correct", optionWhat);
            if (text is not null)
            {
                options.Add(new ExamOption(text, correct, why, y.At(option)));
            }
        }
        return options;
    }
}
