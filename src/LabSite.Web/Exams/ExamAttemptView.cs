using LabSite.Scenarios.Exams;
using LabSite.Scenarios.Exams.Engine;
using LabSite.Web.Exams.Data;

namespace LabSite.Web.Exams;

/// <summary>One question of an attempt as the pages need it: the question, the option order shown, the answer.</summary>
public sealed record AttemptQuestion(int Position, ExamQuestion Question, IReadOnlyList<int> OptionOrder, IReadOnlySet<int> Selected, bool Flagged)
{
    public bool IsAnswered => Selected.Count > 0;

    /// <summary>Display positions (0-based) of the selected options.</summary>
    public bool IsSelectedAt(int displayPosition) => Selected.Contains(OptionOrder[displayPosition]);

    public AnsweredQuestion Answer => new(Question, Selected);
}

/// <summary>An attempt loaded for display: its questions in paper order, its clock and, once submitted, its score.</summary>
public sealed record ExamAttemptView(ExamAttemptRow Row, ExamBlueprint Blueprint, IReadOnlyList<AttemptQuestion> Questions, ExamClock Clock)
{
    public string Id => Row.Id;

    public bool IsSubmitted => Row.SubmittedAt is not null;

    public ExamScore Score => ExamScorer.Score(Blueprint, Questions.Select(q => q.Answer).ToArray());

    public AttemptQuestion? At(int position) => Questions.FirstOrDefault(q => q.Position == position);
}

/// <summary>A submitted attempt in the learner's history.</summary>
public sealed record AttemptSummary(string Id, string BlueprintId, DateTime SubmittedAt, int Correct, int Total, int PassPercent, bool AutoSubmitted)
{
    public double Percent => Total == 0 ? 0 : 100.0 * Correct / Total;

    public bool Passed => Total > 0 && Correct * 100 >= PassPercent * Total;
}

/// <summary>The outcome of saving an answer: saved, or refused because the deadline had passed (the attempt is then submitted).</summary>
public enum SaveAnswerResult { Saved, Expired, NotFound, AlreadySubmitted }

/// <summary>Comma-separated index lists, as stored in the attempt items.</summary>
internal static class IndexList
{
    public static string Format(IEnumerable<int> indexes) => string.Join(",", indexes);

    public static int[] Parse(string text) =>
        string.IsNullOrEmpty(text) ? [] : text.Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
}
