using LabSite.Scenarios.Model;
using LabSite.Web.Labs;
using LabSite.Web.Tests.Support;

namespace LabSite.Web.Tests.Labs;

public sealed class LabLinksTests
{
    private static Lab WithIntro(string html) => TestLabs.Policy() with
    {
        IntroHtml = html,
        Files = [new LabFile("manifests/app.yaml", "/content/labs/policy-basics/manifests/app.yaml"), new LabFile("img/flow map.png", "/x")],
    };

    [Theory]
    [InlineData("<a href=\"manifests/app.yaml\">app</a>", "<a href=\"/labs/policy-basics/files/manifests/app.yaml\">app</a>")]
    [InlineData("<a href=\"./manifests/app.yaml#L3\">app</a>", "<a href=\"/labs/policy-basics/files/manifests/app.yaml\">app</a>")]
    [InlineData("<img src=\"img/flow%20map.png\" alt=\"\">", "<img src=\"/labs/policy-basics/files/img/flow%20map.png\" alt=\"\">")]
    public void Relative_links_to_lab_files_point_at_the_file_route(string html, string expected)
    {
        Assert.Equal(expected, LabLinks.Rebase(WithIntro(html)).IntroHtml);
    }

    [Theory]
    [InlineData("<a href=\"https://docs.cilium.io/\">docs</a>")]
    [InlineData("<a href=\"#deploy\">step</a>")]
    [InlineData("<a href=\"/labs\">labs</a>")]
    [InlineData("<a href=\"mailto:team@example.org\">mail</a>")]
    [InlineData("<a href=\"notes/missing.md\">not a lab file</a>")]
    public void Other_links_are_left_alone(string html)
    {
        Assert.Equal(html, LabLinks.Rebase(WithIntro(html)).IntroHtml);
    }

    [Fact]
    public void Step_hint_and_solution_html_are_rebased_too()
    {
        var lab = TestLabs.Policy();
        var step = lab.Steps[0] with
        {
            Html = "<a href=\"manifests/app.yaml\">s</a>",
            Hints = [new Hint(1, "<a href=\"manifests/app.yaml\">h</a>")],
            Solution = new StepSolution("<a href=\"manifests/app.yaml\">x</a>", []),
        };
        lab = lab with { Steps = [step], Files = [new LabFile("manifests/app.yaml", "/x")] };

        var rebased = LabLinks.Rebase(lab).Steps[0];

        Assert.Contains("/labs/policy-basics/files/manifests/app.yaml", rebased.Html);
        Assert.Contains("/labs/policy-basics/files/manifests/app.yaml", rebased.Hints[0].Html);
        Assert.Contains("/labs/policy-basics/files/manifests/app.yaml", rebased.Solution!.Html);
    }
}
