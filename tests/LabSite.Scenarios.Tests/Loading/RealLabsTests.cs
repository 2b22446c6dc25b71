using LabSite.Scenarios.Loading;
using LabSite.Scenarios.Model.Checks;
using LabSite.Testing;

namespace LabSite.Scenarios.Tests.Loading;

/// <summary>The labs we ship must load without a single diagnostic.</summary>
public class RealLabsTests
{
    [Fact]
    public void EveryLabUnderContentLoadsWithoutDiagnostics()
    {
        var results = LabCatalogLoader.LoadAll(RepositoryPaths.Labs);

        Assert.NotEmpty(results);
        Assert.All(results, r => Assert.Empty(r.Diagnostics.Select(d => d.ToString())));
        Assert.All(results, r => Assert.True(r.IsValid, r.Directory));
    }

    [Fact]
    public void HelloLabUsesEveryCheckKind()
    {
        var lab = LabCatalogLoader.Load(RepositoryPaths.Labs).Find("hello-lab");

        Assert.NotNull(lab);
        var kinds = lab.Steps.SelectMany(s => s.Checks).Select(c => c.GetType()).Distinct().ToList();
        Assert.Equal(
            [typeof(AnswerCheck), typeof(EndpointCheck), typeof(FlowCheck), typeof(ObjectCheck), typeof(PolicyMapCheck), typeof(ProbeCheck)],
            kinds.OrderBy(t => t.Name));
        Assert.Equal(["deploy", "reach", "lock-down", "only-get"], lab.Steps.Select(s => s.Id));
        Assert.Contains(lab.Files, f => f.RelativePath == "manifests/web.yaml");
    }
}
