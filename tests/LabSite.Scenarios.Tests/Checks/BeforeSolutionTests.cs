using LabSite.Scenarios.Model;
using LabSite.Scenarios.Model.Checks;

namespace LabSite.Scenarios.Tests.Checks;

/// <summary>The <c>beforeSolution</c> key that <c>labsite lab test</c> reads.</summary>
public class BeforeSolutionTests
{
    private const string Pod = """
        id: web
        kind: object
        title: The web pod exists
        resource: Pod
        name: web
        expect: exists
        """;

    [Fact]
    public void Defaults_to_fail_and_reads_pass_and_any()
    {
        Assert.Equal(BeforeSolution.Fail, CheckParsing.Valid<ObjectCheck>(Pod).BeforeSolution);
        Assert.Equal(BeforeSolution.Pass, CheckParsing.Valid<ObjectCheck>(Pod + "\nbeforeSolution: pass").BeforeSolution);
        Assert.Equal(BeforeSolution.Any, CheckParsing.Valid<ObjectCheck>(Pod + "\nbeforeSolution: any").BeforeSolution);
    }

    [Fact]
    public void Literal_answers_are_not_looked_at_before_by_default()
    {
        var check = CheckParsing.Valid<AnswerCheck>("""
            id: port
            kind: answer
            title: The port
            question: Which port?
            answer: "80"
            """);
        Assert.Equal(BeforeSolution.Any, check.BeforeSolution);
    }

    [Fact]
    public void A_bad_value_names_the_key_and_the_choices()
    {
        var (check, errors) = CheckParsing.Parse(Pod + "\nbeforeSolution: maybe");
        Assert.Null(check);
        var error = Assert.Single(errors);
        Assert.Contains("lab.md:8:17: error: \"beforeSolution\"", error);
        Assert.Contains("beforeSolution", error);
        Assert.Contains("fail, pass, any", error);
    }
}
