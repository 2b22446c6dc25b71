namespace LabSite.Web.Tests.Support;

/// <summary>The repository's content/ folder, found from the test binaries (the folder holding LabSite.sln).</summary>
public static class RepositoryContent
{
    public static string LabDirectory(string labId)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LabSite.sln")))
            {
                return Path.Combine(dir.FullName, "content", "labs", labId);
            }
        }

        throw new DirectoryNotFoundException($"no LabSite.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>Copies a real lab into <paramref name="labsDirectory"/>, so a test can edit it.</summary>
    public static string CopyLab(string labId, string labsDirectory)
    {
        var source = LabDirectory(labId);
        var target = Path.Combine(labsDirectory, labId);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }

        return target;
    }
}
