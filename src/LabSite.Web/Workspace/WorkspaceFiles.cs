using System.Text;
using LabSite.Shell;

namespace LabSite.Web.Workspace;

/// <summary>
/// The editor tab's view of a learner's lab folder: list, open, save and create text files. Every path goes through
/// <see cref="WorkingFolder.Resolve"/> (no absolute paths, no <c>..</c>, no symbolic links, no control characters), so
/// the editor reaches exactly what the shell's <c>cat</c> and <c>&gt;</c> reach. Problems are <see cref="ShellPathException"/>s
/// whose message names the file and what to do, shown in the panel.
/// </summary>
public sealed class WorkspaceFiles(WorkingFolder folder)
{
    /// <summary>Largest file the editor opens or saves: plenty for manifests and policies, small enough for a textarea.</summary>
    public const int MaxEditorBytes = 512 * 1024;

    /// <summary>A bound on the listing, so a folder filled from the shell cannot make the panel huge.</summary>
    public const int MaxListed = 500;

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Files under the folder as relative paths, sorted; hidden files (the shell's history) and links are left out.</summary>
    public IReadOnlyList<string> List()
    {
        var files = new List<string>();
        var pending = new Stack<DirectoryInfo>([new DirectoryInfo(folder.Root)]);
        while (pending.Count > 0 && files.Count < MaxListed)
        {
            foreach (var entry in pending.Pop().EnumerateFileSystemInfos())
            {
                if (entry.Name.StartsWith('.') || entry.LinkTarget is not null)
                {
                    continue;
                }
                if (entry is DirectoryInfo directory)
                {
                    pending.Push(directory);
                }
                else if (files.Count < MaxListed)
                {
                    files.Add(Path.GetRelativePath(folder.Root, entry.FullName));
                }
            }
        }
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    public string Read(string path)
    {
        var full = folder.Resolve(path);
        if (Directory.Exists(full))
        {
            throw new ShellPathException(path, "is a folder; pick a file in it");
        }
        var info = new FileInfo(full);
        if (!info.Exists)
        {
            throw new ShellPathException(path, "no such file in the lab folder");
        }
        if (info.Length > MaxEditorBytes)
        {
            throw new ShellPathException(path, $"is larger than {MaxEditorBytes / 1024} KiB, more than the editor opens; use the terminal");
        }
        string text;
        try
        {
            text = s_strictUtf8.GetString(File.ReadAllBytes(full));
        }
        catch (DecoderFallbackException)
        {
            throw new ShellPathException(path, "is not UTF-8 text, so the editor cannot open it");
        }
        if (text.Contains('\0'))
        {
            throw new ShellPathException(path, "holds NUL bytes (a binary file), so the editor cannot open it");
        }
        return text;
    }

    /// <summary>Saves text from the editor. Browsers send a textarea's line ends as CR LF; files keep LF, as the shell writes them.</summary>
    public void Save(string path, string text)
    {
        text = text.Replace("\r\n", "\n");
        if (text.Contains('\0'))
        {
            throw new ShellPathException(path, "the text holds NUL characters; the editor saves text files only");
        }
        if (text.Contains('\uFFFD'))
        {
            throw new ShellPathException(path, "the text is not valid UTF-8 (it holds U+FFFD replacement characters); nothing was saved");
        }
        if (Encoding.UTF8.GetByteCount(text) > MaxEditorBytes)
        {
            throw new ShellPathException(path, $"the text is larger than {MaxEditorBytes / 1024} KiB, more than the editor saves; nothing was saved");
        }
        folder.Write(path, text, append: false);
    }

    /// <summary>Creates an empty file, refusing to replace one that exists.</summary>
    public void Create(string path)
    {
        if (File.Exists(folder.Resolve(path)) || Directory.Exists(folder.Resolve(path)))
        {
            throw new ShellPathException(path, "already exists; open it from the list");
        }
        folder.Write(path, "", append: false);
    }
}
