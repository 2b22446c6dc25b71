using BenchmarkDotNet.Attributes;
using LabSite.Scenarios.Loading;
using LabSite.Scenarios.Markdown;
using LabSite.Testing;

namespace LabSite.Benchmarks.Scenarios;

/// <summary>
/// How long loading labs takes: the site loads the catalog at start and on content changes, and
/// <c>labsite lab validate</c> runs in CI on every commit.
/// </summary>
[MemoryDiagnoser]
public class LabLoadingBenchmarks
{
    private string _labs = "";
    private string _helloLab = "";
    private string _helloText = "";

    [GlobalSetup]
    public void Setup()
    {
        _labs = RepositoryPaths.Labs;
        _helloLab = Path.Combine(_labs, "hello-lab");
        _helloText = File.ReadAllText(Path.Combine(_helloLab, LabLoader.FileName));
    }

    /// <summary>Markdig alone on hello-lab's lab.md: the floor under everything else.</summary>
    [Benchmark(Baseline = true)]
    public int ParseMarkdown() => LabMarkdown.Parse(_helloText).Count;

    /// <summary>The whole loader on hello-lab: front matter, steps, 20 checks, files, manifests, HTML.</summary>
    [Benchmark]
    public int LoadHelloLab() => LabLoader.Load(_helloLab).Lab!.Steps.Count;

    /// <summary>Every lab under content/labs, as the site does at start.</summary>
    [Benchmark]
    public int LoadCatalog() => LabCatalogLoader.Load(_labs).Labs.Count;
}
