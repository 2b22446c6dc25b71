using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Shell.RealKubectl;

/// <summary>
/// The learner's files a kubectl line names (<c>-f rule.yaml</c>, <c>-f manifests/</c>, <c>--kubeconfig my.conf</c>,
/// <c>--filename=x.yaml</c>): every word, or value after <c>=</c>, that is a file or folder of the lab folder travels with
/// the run into kubectl's read-only working folder. Anything else (absolute paths, <c>..</c>) is left for kubectl to
/// report: outside the lab folder no file exists for it.
/// </summary>
internal static class KubectlFiles
{
    public static Dictionary<string, byte[]> Collect(IReadOnlyList<string> args, WorkingFolder folder)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        long total = 0;
        foreach (var word in args.SelectMany(Candidates).Distinct(StringComparer.Ordinal))
        {
            string full;
            try
            {
                full = folder.Resolve(word);
            }
            catch (ShellPathException)
            {
                continue;
            }
            var relative = Normalize(word);
            if (File.Exists(full))
            {
                Add(relative, full);
            }
            else if (Directory.Exists(full))
            {
                foreach (var file in Directory.EnumerateFiles(full, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.ReparsePoint }))
                {
                    var below = Path.GetRelativePath(full, file).Replace('\\', '/');
                    Add(relative.Length == 0 ? below : relative + "/" + below, file);
                }
            }
        }
        return files;

        void Add(string relative, string full)
        {
            if (relative.Length == 0 || files.ContainsKey(relative) || KubectlInvocation.CheckPath(relative) is not null)
            {
                return;
            }
            total += new FileInfo(full).Length;
            if (files.Count >= KubectlInvocation.MaxFiles || total > KubectlInvocation.MaxFileBytes)
            {
                throw new ShellPathException(relative, $"kubectl takes at most {KubectlInvocation.MaxFiles} files and {KubectlInvocation.MaxFileBytes / (1024 * 1024)} MiB from the lab folder in one command");
            }
            files[relative] = File.ReadAllBytes(full);
        }
    }

    /// <summary>A word, and for <c>--flag=value</c> the value; flags, stdin (-) and URLs name no file.</summary>
    private static IEnumerable<string> Candidates(string word)
    {
        if (word.StartsWith('-'))
        {
            var eq = word.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && word[(eq + 1)..] is { Length: > 0 } value && value != "-" && !value.Contains("://", StringComparison.Ordinal))
            {
                yield return value;
            }
            yield break;
        }
        if (word.Length > 0 && !word.Contains("://", StringComparison.Ordinal))
        {
            yield return word;
        }
    }

    /// <summary><c>./a//b/</c> → <c>a/b</c>; <c>.</c> → the folder itself (empty).</summary>
    private static string Normalize(string path) =>
        string.Join('/', path.Split('/').Where(s => s is not ("" or ".")));
}
