namespace LabSite.Scenarios.Exams;

/// <summary>
/// Every question and blueprint of one exam (e.g. <c>content/exams/cca</c>). The default blueprint is the
/// newest by date, as the real exam moves to it.
/// </summary>
public sealed record QuestionBank(string Directory, IReadOnlyList<ExamQuestion> Questions, IReadOnlyList<ExamBlueprint> Blueprints)
{
    private readonly Dictionary<string, ExamQuestion> _byId =
        Questions.GroupBy(q => q.Id).ToDictionary(g => g.Key, g => g.First());

    public ExamBlueprint DefaultBlueprint => Blueprints.OrderByDescending(b => b.Date).First();

    public ExamQuestion? Find(string id) => _byId.GetValueOrDefault(id);

    public ExamBlueprint? FindBlueprint(string id) => Blueprints.FirstOrDefault(b => b.Id == id);

    public IEnumerable<ExamQuestion> InDomain(string blueprintId, string domainId) =>
        Questions.Where(q => q.DomainIn(blueprintId) == domainId);
}
