using LabSite.Scenarios.Loading;
using LabSite.Testing;

namespace LabSite.Scenarios.Tests.Loading;

/// <summary>
/// Damaged copies of hello-lab (a line removed, the file cut short) must give diagnostics, never an exception:
/// half-written labs are what authors save all day.
/// </summary>
public sealed class LoaderRobustnessTests : IDisposable
{
    private readonly string _lab;
    private readonly string _text;

    public LoaderRobustnessTests()
    {
        var source = Path.Combine(RepositoryPaths.Labs, "hello-lab");
        _lab = Path.Combine(Directory.CreateTempSubdirectory("labsite-robust-").FullName, "hello-lab");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_lab, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        _text = File.ReadAllText(Path.Combine(_lab, "lab.md"));
    }

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_lab)!, recursive: true);

    [Fact]
    public void RemovingAnyOneLineNeverThrows()
    {
        var lines = _text.Split('\n');
        var broken = 0;
        var tried = 0;

        // Every other line keeps the run short; fences, keys and headings are common enough to be hit.
        for (var i = 0; i < lines.Length; i += 2, tried++)
        {
            var result = Load(string.Join('\n', lines.Where((_, j) => j != i)));
            broken += result.IsValid ? 0 : 1;
            Assert.True(result.IsValid || result.Diagnostics.Count > 0, $"line {i + 1} removed: invalid without a diagnostic");
        }

        // Removing a front matter key, a fence or a heading breaks the lab; removing prose does not.
        Assert.InRange(broken, 10, tried - 10);
    }

    [Fact]
    public void CuttingTheFileShortAnywhereNeverThrows()
    {
        for (var length = 0; length < _text.Length; length += 53)
        {
            var result = Load(_text[..length]);
            Assert.True(result.IsValid || result.Diagnostics.Count > 0, $"cut at {length}: invalid without a diagnostic");
            Assert.All(result.Diagnostics, d => Assert.InRange(d.Location.Line, 1, _text[..length].Count(c => c == '\n') + 2));
        }
    }

    private LabLoadResult Load(string text)
    {
        File.WriteAllText(Path.Combine(_lab, "lab.md"), text);
        return LabLoader.Load(_lab);
    }
}
