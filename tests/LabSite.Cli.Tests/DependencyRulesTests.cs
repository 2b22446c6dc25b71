using System.Xml.Linq;
using LabSite.Testing;

namespace LabSite.Cli.Tests;

/// <summary>
/// The layout's dependency rules (docs/architecture.md), read from the project files so a new
/// reference that breaks them fails here, whether or not code uses it yet.
/// </summary>
public sealed class DependencyRulesTests
{
    private const string Netns = "LabSite.Clusters.Netns";
    private const string Kind = "LabSite.Clusters.Kind";

    private static readonly Dictionary<string, HashSet<string>> s_direct = ReadReferences();

    [Fact]
    public void The_contract_references_nothing_of_ours() =>
        Assert.Empty(s_direct["LabSite.Clusters.Contract"]);

    [Fact]
    public void Scenarios_references_only_the_contract() =>
        Assert.Subset(new HashSet<string> { "LabSite.Clusters.Contract" }, Closure("LabSite.Scenarios"));

    [Theory]
    [InlineData("LabSite.Web")]
    [InlineData("LabSite.Grader")]
    [InlineData("LabSite.Shell")]
    [InlineData("LabSite.Agent")]
    public void Only_the_composition_root_reaches_a_backend(string project)
    {
        Assert.DoesNotContain(Netns, Closure(project));
        Assert.DoesNotContain(Kind, Closure(project));
    }

    [Fact]
    public void The_backends_see_only_the_contract()
    {
        Assert.Equal(["LabSite.Clusters.Contract"], Closure(Netns));
        Assert.Equal(["LabSite.Clusters.Contract"], Closure(Kind));
    }

    [Fact]
    public void The_grader_sees_clusters_through_the_contract_only() =>
        Assert.Equal(["LabSite.Clusters.Contract", "LabSite.Scenarios"], Closure("LabSite.Grader").Order(StringComparer.Ordinal));

    [Theory]
    [InlineData(Netns)]
    [InlineData(Kind)]
    public void The_cli_is_the_only_project_that_references_a_backend(string backend)
    {
        var referrers = s_direct.Where(p => p.Value.Contains(backend)).Select(p => p.Key);
        Assert.Equal(["LabSite.Cli"], referrers);
    }

    [Fact]
    public void The_rules_see_every_project() =>
        Assert.Equal(
            ["LabSite.Agent", "LabSite.Cli", "LabSite.Clusters.Contract", "LabSite.Clusters.Kind", "LabSite.Clusters.Netns", "LabSite.Grader", "LabSite.Scenarios", "LabSite.Shell", "LabSite.Web"],
            s_direct.Keys.Order(StringComparer.Ordinal));

    private static HashSet<string> Closure(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(s_direct[project]);
        while (pending.TryPop(out var next))
        {
            if (seen.Add(next))
            {
                foreach (var reference in s_direct[next])
                {
                    pending.Push(reference);
                }
            }
        }
        return seen;
    }

    private static Dictionary<string, HashSet<string>> ReadReferences()
    {
        var src = Path.Combine(RepositoryPaths.Root, "src");
        return Directory.GetFiles(src, "*.csproj", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToDictionary(
                p => Path.GetFileNameWithoutExtension(p),
                p => XDocument.Load(p).Descendants("ProjectReference")
                    .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))
                    .ToHashSet(StringComparer.Ordinal));
    }
}
