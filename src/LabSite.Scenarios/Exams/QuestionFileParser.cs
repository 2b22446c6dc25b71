using LabSite.Scenarios.Loading;
using LabSite.Scenarios.Yaml;
using YamlDotNet.RepresentationModel;

namespace LabSite.Scenarios.Exams;

/// <summary>
/// Parses one question file (<c>questions: [...]</c>) into questions, checking shape only: fields present and
/// of the right type, no unknown or repeated keys. It reads YAML as lab files are read (<see cref="YamlMapReader"/>),
/// so errors carry file:line:column and a "did you mean". The bank-wide rules (answer counts, links, coverage) live
/// in <see cref="QuestionBankValidator"/>.
/// </summary>
public static class QuestionFileParser
{
    private const string FileContext = "the question file";
    private static readonly string[] s_fileKeys = ["questions"];
    private static readonly string[] s_questionKeys = ["id", "topic", "domains", "difficulty", "stem", "multiple", "options", "docs"];
    private static readonly string[] s_optionKeys = ["text", "correct", "why"];

    public static IReadOnlyList<ExamQuestion> Parse(string file, string text, List<Diagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        var bag = new DiagnosticBag();
        var questions = Parse(YamlSource.ForFile(file, text), text, bag);
        diagnostics.AddRange(bag.Items);
        return questions;
    }

    private static List<ExamQuestion> Parse(YamlSource source, string text, DiagnosticBag bag)
    {
        if (ExamYaml.Root(source, text, bag, FileContext, "questions: [...]") is not { } root)
        {
            return [];
        }

        var reader = new YamlMapReader(root, source, bag, FileContext, s_fileKeys, missingKeyLocation: source.Origin);
        var list = reader.Sequence("questions", "id: my-question", required: true);
        var questions = new List<ExamQuestion>();
        for (var i = 0; i < (list?.Children.Count ?? 0); i++)
        {
            var node = list!.Children[i];
            if (node is not YamlMappingNode map)
            {
                bag.Error(source.At(node), $"question {i + 1} of {FileContext} must be a mapping with id, topic, domains, difficulty, stem, options and docs; got {YamlMapReader.Describe(node)}");
                continue;
            }
            if (ParseQuestion(source, bag, map, i + 1) is { } question)
            {
                questions.Add(question);
            }
        }
        return questions;
    }

    private static ExamQuestion? ParseQuestion(YamlSource source, DiagnosticBag bag, YamlMappingNode map, int number)
    {
        var idText = YamlMapReader.ScalarText(map, "id");
        var context = idText is null ? $"question {number} of {FileContext}" : $"question '{idText}'";
        var reader = new YamlMapReader(map, source, bag, context, s_questionKeys, missingKeyLocation: source.At(map));
        var id = ExamYaml.Text(reader, "id");
        var topic = ExamYaml.Text(reader, "topic");
        var domains = reader.StringMap("domains", required: true, example: "cca-2024: network-policy");
        var difficulty = reader.Int("difficulty", 1, 3, "a whole number (1 easy, 2 medium, 3 hard)", required: true);
        var stem = ExamYaml.Text(reader, "stem");
        var multiple = reader.Bool("multiple") ?? false;
        var options = ParseOptions(reader, context);
        var docs = ExamYaml.Text(reader, "docs");

        if (id is null || topic is null || stem is null || docs is null || domains is null || options is null)
        {
            return null;
        }
        return new ExamQuestion(id, topic, domains, difficulty ?? 2, stem, multiple, options, docs, source.At(map));
    }

    private static List<ExamOption>? ParseOptions(YamlMapReader question, string context)
    {
        var list = question.Sequence("options", "text: an answer", required: true);
        if (list is null)
        {
            return null;
        }
        var options = new List<ExamOption>();
        for (var i = 0; i < list.Children.Count; i++)
        {
            var node = list.Children[i];
            var optionContext = $"option {i + 1} of {context}";
            if (node is not YamlMappingNode map)
            {
                question.Bag.Error(question.Source.At(node), $"{optionContext} must be a mapping with text, why and optionally correct; got {YamlMapReader.Describe(node)}");
                continue;
            }
            var reader = new YamlMapReader(map, question.Source, question.Bag, optionContext, s_optionKeys, missingKeyLocation: question.Source.At(map));
            var text = ExamYaml.Text(reader, "text");
            // A missing `why` is a bank rule (validator), not a shape error, so it is reported once, precisely.
            var why = ExamYaml.Text(reader, "why", required: false) ?? "";
            var correct = reader.Bool("correct") ?? false;
            if (text is not null)
            {
                options.Add(new ExamOption(text, correct, why, question.Source.At(map)));
            }
        }
        return options;
    }
}
