namespace LabSite.Shell;

/// <summary>
/// Lines run in this lab, oldest first, kept in <c>.labsh_history</c> in the lab folder so they survive a reconnect
/// or a new session, like bash's history file. Bounded to the last <see cref="MaxEntries"/> lines.
/// Several terminals on one lab share the file the way bash does with <c>histappend</c>: each keeps its own list in
/// memory and appends its lines to the file, so none overwrites another's, and a new terminal starts with all of them.
/// </summary>
public sealed class ShellHistory
{
    public const string FileName = ".labsh_history";
    public const int MaxEntries = 1000;

    /// <summary>Past this size the file is cut to its last <see cref="MaxEntries"/> lines, well below what the constructor reads.</summary>
    private const long TrimBytes = WorkingFolder.MaxFileBytes / 4;

    // One writer at a time: a lab's terminals all live in this process and may run lines at the same moment.
    private static readonly object s_fileGate = new();

    private readonly string _path;
    private readonly List<string> _entries = [];

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
        lock (s_fileGate)
        {
            var file = new FileInfo(_path);
            if (file.LinkTarget is not null)
            {
                return;
            }
            if (file.Exists && file.Length > TrimBytes)
            {
                File.WriteAllLines(_path, File.ReadAllLines(_path).TakeLast(MaxEntries));
            }
            File.AppendAllText(_path, entry + "\n");
        }
    }

    /// <summary>The text to put back on the prompt for an entry (here-documents get their newlines back).</summary>
    public static string ToLine(string entry) => entry.Replace("\\n", "\n");
}
