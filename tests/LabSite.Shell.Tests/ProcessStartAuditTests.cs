using LabSite.Testing;

namespace LabSite.Shell.Tests;

/// <summary>
/// The lab shell starts host processes in one place only (ProcessToolRunner, allow-listed tools by fixed path).
/// This reads the shell's sources so a new Process.Start elsewhere fails the build's tests rather than a review.
/// </summary>
public class ProcessStartAuditTests
{
    [Fact]
    public void Only_the_tool_runner_starts_processes()
    {
        var shellSources = Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "src", "LabSite.Shell"), "*.cs", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(shellSources);
        var starters = shellSources.Where(f => File.ReadAllText(f) is var text && (text.Contains("Process.Start") || text.Contains("ProcessStartInfo")))
            .Select(Path.GetFileName).ToList();
        Assert.Equal(["ProcessToolRunner.cs"], starters);
    }
}
