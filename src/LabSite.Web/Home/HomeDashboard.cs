using LabSite.Scenarios.Exams;
using LabSite.Scenarios.Model;
using LabSite.Web.Exams;

namespace LabSite.Web.Home;

/// <summary>What the home page shows one learner: labs to continue, the catalog by topic with progress, exam readiness.</summary>
public sealed record HomeDashboard(
    IReadOnlyList<LabToContinue> Continue,
    IReadOnlyList<LabTopic> Topics,
    IReadOnlyDictionary<string, int> CompletedByLab,
    ExamReadiness? Exam,
    ExamBlueprint? CurrentBlueprint)
{
    public int LabCount => Topics.Sum(t => t.Labs.Count);

    public int CompletedLabCount => Topics.SelectMany(t => t.Labs).Count(l => CompletedByLab.TryGetValue(l.Id, out var done) && done == l.Steps.Count);

    public bool AllLabsDone => LabCount > 0 && CompletedLabCount == LabCount;
}

/// <summary>A started, unfinished lab and the step to go on with.</summary>
public sealed record LabToContinue(Lab Lab, LabStep NextStep, int CompletedSteps, DateTimeOffset LastOpened);

/// <summary>Labs whose main CCA domain (the first they list) is this one; <see cref="Id"/> is empty for labs that list none.</summary>
public sealed record LabTopic(string Id, string Name, IReadOnlyList<Lab> Labs);
