using LabSite.Scenarios.Exams;
using static LabSite.Scenarios.Tests.Exams.BankBuilder;

namespace LabSite.Scenarios.Tests.Exams;

public class QuestionBankValidatorTests
{
    private static readonly ExamBlueprint s_small = Blueprint("bp", 4, ("a", 50), ("b", 50));

    private static string[] Errors(params ExamQuestion[] extra)
    {
        var bank = Bank(s_small, 2);
        bank = bank with { Questions = [.. bank.Questions, .. extra] };
        return QuestionBankValidator.Validate(bank).Select(d => d.Message).ToArray();
    }

    [Fact]
    public void A_complete_bank_is_valid() => Assert.Empty(Errors());

    [Fact]
    public void Duplicate_ids_are_reported_with_the_first_location()
    {
        var errors = Errors(Question("a-0", "bp", "a"));
        Assert.Contains("question id 'a-0' is already used at test.yaml:1:1", errors);
    }

    [Fact]
    public void Answer_counts_follow_the_question_kind()
    {
        Assert.Contains(Errors(Question("s", "bp", "a", correctCount: 2)), e => e.Contains("has 2 correct options; a single-answer question needs exactly 1", StringComparison.Ordinal));
        Assert.Contains(Errors(Question("s", "bp", "a", correctCount: 0)), e => e.Contains("has 0 correct options", StringComparison.Ordinal));
        Assert.Contains(Errors(Question("m", "bp", "a", multiple: true, correctCount: 1)), e => e.Contains("is 'multiple: true' but has 1 correct option(s)", StringComparison.Ordinal));
        Assert.DoesNotContain(Errors(Question("m", "bp", "a", multiple: true, correctCount: 2)), e => e.Contains("'m'", StringComparison.Ordinal));
    }

    [Fact]
    public void Option_count_and_missing_why_are_reported()
    {
        var three = Question("three", "bp", "a") is var q ? q with { Options = q.Options.Take(3).ToArray() } : null!;
        Assert.Contains("question 'three' has 3 options; a question needs 4 or 5", Errors(three));
        var noWhy = Question("nowhy", "bp", "a") is var n ? n with { Options = [.. n.Options.Take(3), n.Options[3] with { Why = "" }] } : null!;
        Assert.Contains("option 4 of question 'nowhy' has no 'why'; every option explains why it is right or wrong", Errors(noWhy));
    }

    [Theory]
    [InlineData("http://docs.cilium.io/en/stable/", "must be an https URL")]
    [InlineData("docs.cilium.io/en/stable", "must be an https URL")]
    [InlineData("https://example.com/cilium", "points to example.com; allowed hosts:")]
    public void Docs_links_must_be_https_on_allowed_hosts(string docs, string expected)
    {
        var bad = Question("d", "bp", "a") with { Docs = docs };
        Assert.Contains(Errors(bad), e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Domains_must_exist_in_every_blueprint()
    {
        var unknown = Question("u", "bp", "zzz");
        Assert.Contains("question 'u' names domain 'zzz' for blueprint 'bp', which has: a, b", Errors(unknown));
        var missing = Question("m", "other", "a");
        var errors = Errors(missing);
        Assert.Contains(errors, e => e.StartsWith("question 'm' has no domain for blueprint 'bp'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("question 'm' names blueprint 'other', which does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public void Coverage_must_allow_a_full_exam_without_repeats()
    {
        var bank = Bank(s_small, 2) is var b ? b with { Questions = b.Questions.Where(q => q.Id != "b-1").ToArray() } : null!;
        var errors = QuestionBankValidator.Validate(bank).Select(d => d.Message);
        Assert.Contains("domain 'b' of blueprint 'bp' has 1 question(s); a 4-question exam draws 2 from it", errors);
    }
}
