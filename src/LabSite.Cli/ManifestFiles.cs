using LabSite.Clusters.Contract;

namespace LabSite.Cli;

/// <summary>
/// What <c>-f</c> names, as kubectl reads it: a file, a folder's *.yaml/*.yml/*.json files (not recursive,
/// in name order), or "-" for stdin. Each file is applied on its own, so errors name the file they are in.
/// </summary>
internal static class ManifestFiles
{
    private static readonly string[] s_extensions = [".yaml", ".yml", ".json"];

    public static IEnumerable<ManifestText> Read(string path, TextReader stdin)
    {
        if (path == "-")
        {
            return [new ManifestText(stdin.ReadToEnd(), "STDIN")];
        }
        if (Directory.Exists(path))
        {
            var files = Directory.EnumerateFiles(path)
                .Where(f => s_extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)
                .ToList();
            if (files.Count == 0)
            {
                throw new ArgumentException($"error reading {path}: no manifests (*.yaml, *.yml, *.json) in this folder");
            }
            return files.Select(f => new ManifestText(File.ReadAllText(f), f)).ToList();
        }
        if (File.Exists(path))
        {
            return [new ManifestText(File.ReadAllText(path), path)];
        }
        throw new ArgumentException($"the path \"{path}\" does not exist");
    }
}
