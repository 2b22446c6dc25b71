namespace LabSite.Testing;

/// <summary>
/// Folders of the repository (the folder holding LabSite.sln), found from the test binaries, so tests use the real
/// content/ and sources rather than copies.
/// </summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    public static string Root => s_root.Value;

    public static string Content => Path.Combine(Root, "content");

    public static string Labs => Path.Combine(Content, "labs");

    public static string Exams => Path.Combine(Content, "exams");

    /// <summary>The Star Wars demo's manifests (Cilium's examples/minikube), the one copy every test and benchmark reads.</summary>
    public static string StarWarsManifests => Path.Combine(Labs, "starwars", "manifests");

    /// <summary>The lab-format corpus the scenario tests parse.</summary>
    public static string Corpus => Path.Combine(Root, "tests", "LabSite.Scenarios.Tests", "Corpus");

    public static string Lab(string labId) => Path.Combine(Labs, labId);

    public static string StarWarsManifest(string file) => Path.Combine(StarWarsManifests, file);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LabSite.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no LabSite.sln above {AppContext.BaseDirectory}");
    }
}
