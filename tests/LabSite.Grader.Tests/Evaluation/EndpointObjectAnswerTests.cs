using LabSite.Grader.Evaluation;
using LabSite.Grader.Results;
using LabSite.Grader.Tests.Support;
using LabSite.Scenarios.Model.Checks;
using LabSite.Testing;

namespace LabSite.Grader.Tests.Evaluation;

public sealed class EndpointObjectAnswerTests
{
    private static readonly PodSelector s_deathstars = PodSelector.ByLabels(new Dictionary<string, string> { ["class"] = "deathstar" });
    private static readonly CheckEvaluator s_evaluator = new();

    private static Task<CheckResult> Run(Scenarios.Model.CheckSpec check, InMemoryCluster c, string? answer = null) =>
        s_evaluator.EvaluateAsync(check, new CheckContext(c, StarWarsLab.StepStart, StarWarsLab.StepStart, answer), CancellationToken.None);

    [Fact]
    public async Task Replicas_share_an_identity_with_the_right_labels_and_enforcement()
    {
        var check = new EndpointCheck("e", "e", StarWarsLab.At, s_deathstars, PolicyEnforcement.Enabled, PolicyEnforcement.Disabled,
            new Dictionary<string, string> { ["org"] = "empire", ["class"] = "deathstar" }, s_deathstars, null);
        var r = await Run(check, StarWarsLab.Create());
        Assert.Equal(CheckOutcome.Passed, r.Outcome);
        Assert.Contains("identities deathstar-54c4d4bdf9-fwhtv=258, deathstar-54c4d4bdf9-h99qf=258", r.Observed);
        Assert.StartsWith("ENDPOINT", r.Evidence[0]);
    }

    [Fact]
    public async Task Different_identity_and_enforcement_failures_name_the_pods()
    {
        var c = StarWarsLab.Create();
        var check = new EndpointCheck("e", "e", StarWarsLab.At, PodSelector.ByName("tiefighter"), PolicyEnforcement.Enabled, null, null, null, PodSelector.ByName("xwing"));
        var r = await Run(check, c);
        Assert.Equal(CheckOutcome.Failed, r.Outcome);
        Assert.Equal("endpoint 1 (tiefighter) has ingress enforcement Disabled", r.Observed);

        c.Endpoints[1] = c.Endpoints[1] with { Identity = 256 };
        var same = await Run(check with { IngressEnforcement = null }, c);
        Assert.Equal("tiefighter and xwing share identity 256", same.Observed);
    }

    [Fact]
    public async Task Fqdn_cache_names_must_be_there_with_addresses_and_unwanted_ones_absent()
    {
        var c = StarWarsLab.Create();
        var tiefighter = c.Endpoints.Single(e => e.PodName == "tiefighter");
        var expires = new DateTimeOffset(2026, 12, 6, 19, 0, 0, TimeSpan.Zero);
        var check = new EndpointCheck("f", "f", StarWarsLab.At, PodSelector.ByName("tiefighter"), null, null, null, null, null,
            ["api.example.com."], ["evil.example.org."]);

        // No DNS proxy in the cluster: the check cannot tell, rather than failing.
        Assert.Equal(CheckOutcome.CannotCheck, (await Run(check, c)).Outcome);

        c.FqdnCache = [new(tiefighter.Id, "lookup", "api.example.com.", 600, expires, ["198.18.0.10"])];
        var passed = await Run(check, c);
        Assert.Equal(CheckOutcome.Passed, passed.Outcome);
        Assert.Contains(passed.Evidence, l => l.Contains("api.example.com.", StringComparison.Ordinal));

        // Another endpoint's lookup does not count for tiefighter; an unwanted name fails.
        c.FqdnCache = [new((ushort)(tiefighter.Id + 100), "lookup", "api.example.com.", 600, expires, ["198.18.0.10"]),
            new(tiefighter.Id, "lookup", "evil.example.org.", 60, expires, ["198.18.0.11"])];
        var failed = await Run(check, c);
        Assert.Equal(CheckOutcome.Failed, failed.Outcome);
        Assert.Equal($"endpoint {tiefighter.Id} (tiefighter) has no FQDN cache entry for api.example.com.; endpoint {tiefighter.Id} (tiefighter) has evil.example.org. in its FQDN cache", failed.Observed);
    }

    [Fact]
    public async Task Objects_exist_are_ready_and_fields_compare_as_text()
    {
        var c = StarWarsLab.Create();
        // One Death Star replica stops being ready: 1 of 2 available.
        c.SetPodStatus(StarWarsLab.Deathstar2, null, running: false);
        ObjectCheck Obj(ObjectExpectation e, string? field = null, string? value = null) => new("o", "o", StarWarsLab.At, "Deployment", "deathstar", null, e, field, value);

        Assert.Equal(CheckOutcome.Passed, (await Run(Obj(ObjectExpectation.Exists), c)).Outcome);
        Assert.Equal(CheckOutcome.Failed, (await Run(Obj(ObjectExpectation.Absent), c)).Outcome);
        var ready = await Run(Obj(ObjectExpectation.Ready), c);
        Assert.Equal(CheckOutcome.Failed, ready.Outcome);
        Assert.Equal([".spec.replicas = 2", ".status.availableReplicas = 1"], ready.Evidence);
        Assert.Equal(CheckOutcome.Passed, (await Run(Obj(ObjectExpectation.FieldEquals, ".spec.replicas", "2"), c)).Outcome);
        var wrong = await Run(Obj(ObjectExpectation.FieldEquals, ".spec.replicas", "3"), c);
        Assert.Equal(".spec.replicas is 2", wrong.Observed);
        var pod = new ObjectCheck("p", "p", StarWarsLab.At, "Pod", "rebel-base", null, ObjectExpectation.Absent, null, null);
        Assert.Equal(CheckOutcome.Passed, (await Run(pod, c)).Outcome);
    }

    [Fact]
    public async Task Answers_compare_with_live_values_without_revealing_them()
    {
        var c = StarWarsLab.Create();
        var check = new AnswerCheck("a", "a", StarWarsLab.At, "Identity of tiefighter?",
            new ExpectedAnswer(null, new LiveValue(LiveValueKind.Identity, PodSelector.ByName("tiefighter"), null, "default")), [], false);
        Assert.Equal(CheckOutcome.Passed, (await Run(check, c, " 256 ")).Outcome);
        var wrong = await Run(check, c, "257");
        Assert.Equal(CheckOutcome.Failed, wrong.Outcome);
        Assert.DoesNotContain("256", wrong.Observed + wrong.Expected + string.Join("", wrong.Evidence));
        Assert.Equal("no answer given yet", (await Run(check, c)).Observed);

        var ip = check with { Answer = new ExpectedAnswer(null, new LiveValue(LiveValueKind.PodIp, PodSelector.ByName("xwing"), null, "default")) };
        Assert.Equal(CheckOutcome.Passed, (await Run(ip, c, "10.0.0.30")).Outcome);
        var literal = check with { Answer = new ExpectedAnswer("Identity", null) };
        Assert.Equal(CheckOutcome.Passed, (await Run(literal, c, "identity")).Outcome);
        Assert.Equal(CheckOutcome.Failed, (await Run(literal with { CaseSensitive = true }, c, "identity")).Outcome);
    }

    [Fact]
    public async Task Live_identity_without_inspection_cannot_be_checked_yet()
    {
        var check = new AnswerCheck("a", "a", StarWarsLab.At, "q",
            new ExpectedAnswer(null, new LiveValue(LiveValueKind.Identity, PodSelector.ByName("tiefighter"), null, "default")), [], false);
        var r = await s_evaluator.EvaluateAsync(check, new CheckContext(StarWarsLab.Create().WithoutInspection(), StarWarsLab.StepStart, StarWarsLab.StepStart, "256"), CancellationToken.None);
        Assert.Equal(CheckOutcome.CannotCheck, r.Outcome);
        Assert.Contains("offers no endpoint inspection", r.Observed);
    }
}
