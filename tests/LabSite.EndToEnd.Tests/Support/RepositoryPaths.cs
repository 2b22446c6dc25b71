namespace LabSite.EndToEnd.Tests.Support;

/// <summary>Finds the repository (the folder holding LabSite.sln) from the test binaries, to use the real content/.</summary>
public static class RepositoryPaths
{
    public static string Root
    {
        get
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

    public static string Content => Path.Combine(Root, "content");
}
