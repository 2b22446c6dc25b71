using LabSite.Scenarios.Exams;
using LabSite.Scenarios.Model;

namespace LabSite.Scenarios.Tests.Exams;

/// <summary>Builds small in-memory banks and blueprints for engine tests.</summary>
internal static class BankBuilder
{
    public static readonly SourceLocation Here = new("test.yaml", 1, 1);

    public static ExamBlueprint Blueprint(string id, int questions, params (string Id, int Weight)[] domains) =>
        new(id, id, new DateOnly(2025, 1, 1), questions, 90, 75,
            domains.Select(d => new BlueprintDomain(d.Id, d.Id.ToUpperInvariant(), d.Weight, [], Here)).ToArray(), Here);

    public static ExamQuestion Question(string id, string blueprintId, string domain, bool multiple = false, int correctCount = 1) =>
        new(id, "topic", new Dictionary<string, string> { [blueprintId] = domain }, 2, $"Stem of {id}?", multiple,
            Enumerable.Range(0, 4).Select(i => new ExamOption($"option {i}", i < correctCount, $"because {i}", Here)).ToArray(),
            "https://docs.cilium.io/en/stable/", Here);

    /// <summary><paramref name="perDomain"/> questions in every domain of <paramref name="blueprint"/>.</summary>
    public static QuestionBank Bank(ExamBlueprint blueprint, int perDomain) =>
        new("bank", blueprint.Domains.SelectMany(d => Enumerable.Range(0, perDomain).Select(i => Question($"{d.Id}-{i}", blueprint.Id, d.Id))).ToArray(), [blueprint]);
}
