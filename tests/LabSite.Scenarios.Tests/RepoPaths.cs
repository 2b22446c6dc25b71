namespace LabSite.Scenarios.Tests;

/// <summary>Paths inside the repository, found from the test binary's folder (tests run from bin/).</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Labs => Path.Combine(Root, "content", "labs");

    public static string Corpus => Path.Combine(Root, "tests", "LabSite.Scenarios.Tests", "Corpus");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LabSite.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("LabSite.sln not found above " + AppContext.BaseDirectory);
    }
}
