using LabSite.Scenarios.Loading;

namespace LabSite.Scenarios.Tests.Loading;

/// <summary><c>backends:</c> in a lab's front matter: netns when absent, known names only, each error at its file and line.</summary>
public sealed class FrontMatterBackendsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("labsite-backends-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string WriteLab(string backendsLine)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_root, "lab")).FullName;
        File.WriteAllText(Path.Combine(dir, "lab.md"),
            "---\nid: lab\ntitle: T\nsummary: S.\nduration: 5\ndifficulty: beginner\n" + backendsLine + "---\n\n## Step {#s}\n\nText.\n");
        return dir;
    }

    [Fact]
    public void A_lab_that_says_nothing_runs_on_netns()
    {
        var result = LabLoader.Load(WriteLab(""));

        Assert.Empty(result.Diagnostics);
        Assert.Equal(["netns"], result.Lab!.Meta.Backends);
    }

    [Fact]
    public void Declared_backends_are_kept_in_order()
    {
        Assert.Equal(["kind", "netns"], LabLoader.Load(WriteLab("backends: [kind, netns]\n")).Lab!.Meta.Backends);
    }

    [Fact]
    public void An_unknown_backend_is_refused_naming_file_line_and_the_known_ones()
    {
        var dir = WriteLab("backends: [netns, docker]\n");

        var diagnostic = Assert.Single(LabLoader.Load(dir).Diagnostics);

        Assert.Equal((Path.Combine(dir, "lab.md"), 7), (diagnostic.Location.File, diagnostic.Location.Line));
        Assert.Contains("docker", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("kind", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_list_is_refused()
    {
        var diagnostic = Assert.Single(LabLoader.Load(WriteLab("backends: []\n")).Diagnostics);

        Assert.Equal(7, diagnostic.Location.Line);
        Assert.Contains("lists no backend", diagnostic.Message, StringComparison.Ordinal);
    }
}
