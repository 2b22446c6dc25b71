using System.Text;

namespace LabSite.Shell;

/// <summary>
/// The only directory the lab shell may read or write: the lab's working folder. Paths are relative to it;
/// absolute paths, <c>..</c>, <c>~</c> and symbolic links anywhere on the way are refused, so nothing typed at the prompt
/// can reach another file on the host. <c>/dev/null</c> is the one absolute name allowed (as a sink and an empty source).
/// </summary>
public sealed class WorkingFolder
{
    public const string DevNull = "/dev/null";

    /// <summary>Largest file the shell writes or reads (a redirection, a heredoc saved with cat): 4 MiB.</summary>
    public const int MaxFileBytes = 4 * 1024 * 1024;

    public WorkingFolder(string root)
    {
        Directory.CreateDirectory(root);
        // Resolve the root once, so a root reached through a symlink still compares equal below.
        var info = new DirectoryInfo(Path.GetFullPath(root));
        Root = (info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? info.FullName).TrimEnd('/');
    }

    public string Root { get; }

    /// <summary>The full path for <paramref name="path"/> inside the folder; throws <see cref="ShellPathException"/> otherwise.</summary>
    public string Resolve(string path)
    {
        if (path.Length == 0)
        {
            throw new ShellPathException(path, "empty file name");
        }
        if (path.Contains('\0') || path.Any(char.IsControl))
        {
            throw new ShellPathException(Printable(path), "control characters are not allowed in file names");
        }
        if (path.StartsWith('/'))
        {
            throw new ShellPathException(path, "absolute paths are outside the lab folder; use a name relative to it");
        }
        if (path.StartsWith('~'))
        {
            throw new ShellPathException(path, "~ (home) is outside the lab folder; use a name relative to it");
        }
        if (path.Length > 1024)
        {
            throw new ShellPathException(path[..40] + "...", "file name too long");
        }
        var full = Root;
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == ".")
            {
                continue;
            }
            if (segment == "..")
            {
                throw new ShellPathException(path, ".. leaves the lab folder; files live in the lab folder only");
            }
            full = Path.Combine(full, segment);
            FileSystemInfo info = Directory.Exists(full) ? new DirectoryInfo(full) : new FileInfo(full);
            if (info.Exists && info.LinkTarget is not null)
            {
                throw new ShellPathException(path, "symbolic links are not followed in the lab folder");
            }
        }
        if (full != Root && !full.StartsWith(Root + "/", StringComparison.Ordinal))
        {
            throw new ShellPathException(path, "outside the lab folder");
        }
        return full;
    }

    public string ReadAllText(string path) => path == DevNull ? "" : File.ReadAllText(ExistingFile(path), Encoding.UTF8);

    /// <summary>A file's bytes (an object file for <c>bpf load</c>), with the same limits as <see cref="ReadAllText"/>.</summary>
    public byte[] ReadAllBytes(string path) => path == DevNull ? [] : File.ReadAllBytes(ExistingFile(path));

    /// <summary>Writes (replaces) a file of the folder with <paramref name="bytes"/> (clang's object file).</summary>
    public void WriteAllBytes(string path, byte[] bytes)
    {
        var full = WritableFile(path);
        if (bytes.Length > MaxFileBytes)
        {
            throw new ShellPathException(path, $"would grow beyond {MaxFileBytes / (1024 * 1024)} MiB");
        }
        using var stream = new FileStream(full, FileMode.Create, FileAccess.Write, FileShare.Read);
        stream.Write(bytes);
    }

    public void Write(string path, string text, bool append)
    {
        if (path == DevNull)
        {
            return;
        }
        var full = WritableFile(path);
        var existing = append && File.Exists(full) ? new FileInfo(full).Length : 0;
        if (existing + Encoding.UTF8.GetByteCount(text) > MaxFileBytes)
        {
            throw new ShellPathException(path, $"would grow beyond {MaxFileBytes / (1024 * 1024)} MiB");
        }
        // No check-to-open race to worry about: nothing in the lab shell can create a symlink, so a link here was
        // planted from outside the shell, and Resolve has just refused it.
        using var stream = new FileStream(full, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.Read);
        var bytes = Encoding.UTF8.GetBytes(text);
        stream.Write(bytes);
    }

    private string ExistingFile(string path)
    {
        var full = Resolve(path);
        if (Directory.Exists(full))
        {
            throw new ShellPathException(path, "is a directory");
        }
        if (!File.Exists(full))
        {
            throw new ShellPathException(path, "no such file in the lab folder");
        }
        if (new FileInfo(full).Length > MaxFileBytes)
        {
            throw new ShellPathException(path, $"larger than {MaxFileBytes / (1024 * 1024)} MiB");
        }
        return full;
    }

    private string WritableFile(string path)
    {
        var full = Resolve(path);
        if (Directory.Exists(full))
        {
            throw new ShellPathException(path, "is a directory");
        }
        if (!Directory.Exists(Path.GetDirectoryName(full)!))
        {
            throw new ShellPathException(path, "its folder does not exist");
        }
        return full;
    }

    private static string Printable(string text) => new(text.Select(c => char.IsControl(c) ? '?' : c).Take(80).ToArray());
}

/// <summary>A path the shell refuses or cannot use: <c>cat: ../x: .. leaves the lab folder</c>.</summary>
public sealed class ShellPathException(string path, string reason) : Exception($"{path}: {reason}")
{
    public string Path { get; } = path;

    public string Reason { get; } = reason;
}
