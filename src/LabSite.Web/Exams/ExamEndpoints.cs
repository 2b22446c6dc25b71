using System.Globalization;
using LabSite.Web.Exams.Components;
using LabSite.Web.Learners;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LabSite.Web.Exams;

/// <summary>
/// The exam actions (POST). Each reads its form itself (so the antiforgery filter checks it), saves, and redirects
/// to the page to show next (post/redirect/get), which keeps reloads harmless. Practice answers also return their
/// feedback as an htmx fragment.
/// </summary>
internal static class ExamEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var actions = app.MapGroup("").AddEndpointFilter<AntiforgeryCheck>();
        actions.MapPost(ExamRoutes.StartMock, StartMock).WithName("StartMockExam");
        actions.MapPost("/exams/attempts/{id}/questions/{position:int}/answer", SaveAnswer).WithName("SaveExamAnswer");
        actions.MapPost("/exams/attempts/{id}/submit", Submit).WithName("SubmitExam");
        actions.MapPost(ExamRoutes.PracticeAnswer, AnswerPractice).WithName("AnswerPracticeQuestion");
    }

    private static async Task<RedirectHttpResult> StartMock(HttpContext context, ExamBankSource bank, ExamAttemptStore attempts)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var blueprint = bank.FindBlueprint(form["blueprint"]) ?? bank.DefaultBlueprint;
        if (blueprint is null)
        {
            return TypedResults.Redirect(ExamRoutes.Home + "?error=no-blueprint");
        }
        var learner = context.GetLearnerId();
        // One open attempt at a time: starting again resumes it instead of losing it.
        if (await attempts.OpenAttemptAsync(learner, context.RequestAborted) is { } open)
        {
            return TypedResults.Redirect(ExamRoutes.Question(open.Id, 1));
        }
        try
        {
            var id = await attempts.StartAsync(learner, blueprint, context.RequestAborted);
            return TypedResults.Redirect(ExamRoutes.Question(id, 1));
        }
        catch (InvalidOperationException)
        {
            return TypedResults.Redirect($"{ExamRoutes.Home}?blueprint={Uri.EscapeDataString(blueprint.Id)}&error=too-few");
        }
    }

    private static async Task<Results<RedirectHttpResult, NotFound>> SaveAnswer(
        HttpContext context, ExamAttemptStore attempts, string id, int position)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var choices = Ints(form["choice"]);
        var flagged = form["flagged"] == "on";
        var result = await attempts.SaveAnswerAsync(context.GetLearnerId(), id, position, choices, flagged, context.RequestAborted);
        return result switch
        {
            SaveAnswerResult.NotFound => TypedResults.NotFound(),
            SaveAnswerResult.Expired or SaveAnswerResult.AlreadySubmitted => TypedResults.Redirect(ExamRoutes.Results(id) + "?expired=1"),
            _ => TypedResults.Redirect(NextPage(id, position, form["go"].ToString())),
        };
    }

    /// <summary>Where the navigation button pressed leads: previous, next, the review screen, or a numbered question.</summary>
    internal static string NextPage(string id, int position, string go) => go switch
    {
        "prev" => ExamRoutes.Question(id, Math.Max(1, position - 1)),
        "next" => ExamRoutes.Question(id, position + 1),
        "review" => ExamRoutes.Review(id),
        _ when int.TryParse(go, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 => ExamRoutes.Question(id, n),
        _ => ExamRoutes.Question(id, position),
    };

    private static async Task<Results<RedirectHttpResult, NotFound>> Submit(HttpContext context, ExamAttemptStore attempts, string id) =>
        await attempts.SubmitAsync(context.GetLearnerId(), id, context.RequestAborted)
            ? TypedResults.Redirect(ExamRoutes.Results(id))
            : TypedResults.NotFound();

    private static async Task<Results<RazorComponentResult<PracticeFeedback>, RedirectHttpResult, BadRequest<string>>> AnswerPractice(
        HttpContext context, ExamBankSource bank, ExamReviewStore reviews)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var question = bank.Bank.Find(form["question"].ToString());
        var order = Ints(form["order"].ToString().Split(','));
        if (question is null || order.Length != question.Options.Count || order.Distinct().Count() != order.Length || order.Any(i => i < 0 || i >= order.Length))
        {
            return TypedResults.BadRequest("unknown question or option order; reload the practice page");
        }
        var selected = Ints(form["choice"]).Where(c => c >= 0 && c < order.Length).Select(c => order[c]).ToHashSet();
        var correct = new Scenarios.Exams.Engine.AnsweredQuestion(question, selected).IsCorrect;
        var review = await reviews.RecordAsync(context.GetLearnerId(), question.Id, correct, context.RequestAborted);
        var next = form["next"].ToString();
        if (!context.Request.IsHtmx())
        {
            return TypedResults.Redirect(
                $"{ExamRoutes.PracticeAnswered}?question={Uri.EscapeDataString(question.Id)}&order={IndexList.Format(order)}" +
                $"&selected={IndexList.Format(selected.Order())}&next={Uri.EscapeDataString(next)}");
        }
        return new RazorComponentResult<PracticeFeedback>(new { Question = question, Order = order, Selected = selected, Review = review, NextUrl = next });
    }

    private static int[] Ints(IEnumerable<string?> values) =>
        values.Select(v => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1).Where(n => n >= 0).ToArray();
}
