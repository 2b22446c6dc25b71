namespace LabSite.Sandbox.Shell;

/// <summary>
/// Lines run in this lab, oldest first, kept in <c>.labsh_history</c> in the lab folder so they survive a reconnect
/// or a new session, like bash's history file. Bounded to the last <see cref="MaxEntries"/> lines.
/// </summary>
public sealed class ShellHistory
{
    public const string FileName = ".labsh_history";
    public const int MaxEntries = 1000;

    readonly string _path;
    readonly List<string> _entries = [];

    public ShellHistory(WorkingFolder folder)
    {
        _path = Path.Combine(folder.Root, FileName);
        var info = new FileInfo(_path);
        if (info.Exists && info.LinkTarget is null && info.Length <= WorkingFolder.MaxFileBytes)
        {
            _entries.AddRange(File.ReadAllLines(_path).Where(l => l.Length > 0).TakeLast(MaxEntries));
        }
    }

    public IReadOnlyList<string> Entries => _entries;

    /// <summary>Adds a line (not blank, not a repeat of the last one) and saves the file.</summary>
    public void Add(string line)
    {
        // Multi-line input (here-documents) is stored as one entry, its newlines escaped, as bash does with cmdhist.
        var entry = line.Replace("\n", "\\n").TrimEnd();
        if (entry.Length == 0 || (_entries.Count > 0 && _entries[^1] == entry))
        {
            return;
        }
        _entries.Add(entry);
        if (_entries.Count > MaxEntries)
        {
            _entries.RemoveRange(0, _entries.Count - MaxEntries);
        }
        if (new FileInfo(_path).LinkTarget is null)
        {
            File.WriteAllLines(_path, _entries);
        }
    }

    /// <summary>The text to put back on the prompt for an entry (here-documents get their newlines back).</summary>
    public static string ToLine(string entry) => entry.Replace("\\n", "\n");
}
