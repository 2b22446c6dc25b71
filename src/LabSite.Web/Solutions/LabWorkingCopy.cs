namespace LabSite.Web.Solutions;

/// <summary>
/// A temporary copy of a lab folder for solutions to run in: a solution that writes files changes neither the content
/// nor a learner's own lab folder, and later steps see what earlier ones wrote. Deleted on dispose.
/// </summary>
public sealed class LabWorkingCopy : IDisposable
{
    private readonly DirectoryInfo _dir;

    public LabWorkingCopy(string labDirectory)
    {
        _dir = Directory.CreateTempSubdirectory("labsite-solutions-");
        // A lab built in code (tests) may have no folder; its solutions then run in an empty one.
        if (Directory.Exists(labDirectory))
        {
            Copy(labDirectory, _dir.FullName);
        }
    }

    public string Path => _dir.FullName;

    public void Dispose() => _dir.Delete(recursive: true);

    private static void Copy(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(System.IO.Path.Combine(to, System.IO.Path.GetRelativePath(from, dir)));
        }
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, System.IO.Path.Combine(to, System.IO.Path.GetRelativePath(from, file)));
        }
    }
}
