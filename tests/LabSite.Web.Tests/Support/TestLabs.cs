using LabSite.Scenarios.Loading;
using LabSite.Scenarios.Model;

namespace LabSite.Web.Tests.Support;

/// <summary>Labs built in code, so site tests do not depend on the loader or on content/.</summary>
public static class TestLabs
{
    public static Lab Policy() => Make(
        "policy-basics", "Network policy basics", "Allow and deny traffic between pods with L3/L4 policy.",
        Difficulty.Beginner, ["policy", "l4"], ["network-policy"],
        Step("deploy", "Deploy the app", 0, "<p>Run <code>kubectl apply -f app.yaml</code>.</p>",
            [new Hint(1, "<p>Hint one: look at the manifest.</p>"), new Hint(2, "<p>Hint two: use kubectl apply.</p>")],
            new StepSolution("<p>Apply the manifest.</p>", ["kubectl apply -f app.yaml"])),
        Step("deny", "Deny the xwing", 1, "<p>Write a policy that denies the xwing.</p>", [], null),
        Step("verify", "Verify with Hubble", 2, "<p>Observe the drops.</p>", [new Hint(1, "<p>hubble observe --verdict DROPPED</p>")], null));

    public static Lab Observability() => Make(
        "hubble-tour", "A tour of Hubble", "Watch flows and find drops.",
        Difficulty.Intermediate, ["hubble", "observability"], ["network-observability"],
        Step("observe", "Observe flows", 0, "<p>Run hubble observe.</p>", [], null));

    public static LabCatalog Catalog(params BrokenLab[] broken) =>
        new("/content/labs", [Policy(), Observability()], broken);

    public static BrokenLab Broken() => new(
        "broken-lab", "/content/labs/broken-lab",
        [new Diagnostic(new SourceLocation("/content/labs/broken-lab/lab.md", 3, 13), DiagnosticSeverity.Error,
            "front matter: 'difficulty' must be one of beginner, intermediate, advanced; got 'hard'")]);

    private static Lab Make(string id, string title, string summary, Difficulty difficulty,
        string[] tags, string[] domains, params LabStep[] steps) =>
        new(new LabMeta(id, title, summary, 20, difficulty, tags, domains, ["netns"]),
            $"/content/labs/{id}", $"/content/labs/{id}/lab.md", $"<p>Intro to {title}.</p>", steps, []);

    private static LabStep Step(string id, string title, int index, string html, Hint[] hints, StepSolution? solution) =>
        new(id, title, index, html, [], hints, solution, [], new SourceLocation("lab.md", 10 + index, 1));
}
