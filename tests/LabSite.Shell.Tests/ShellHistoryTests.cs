namespace LabSite.Shell.Tests;

/// <summary>One history file shared by a lab's terminal tabs: each appends, none overwrites another's lines.</summary>
public sealed class ShellHistoryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("labsh-history-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Two_terminals_append_to_one_file_and_a_third_starts_with_both()
    {
        var folder = new WorkingFolder(_root);
        var first = new ShellHistory(folder);
        var second = new ShellHistory(folder);
        first.Add("echo one");
        second.Add("echo two");
        first.Add("echo three");

        // Each tab recalls its own lines with Up, as bash does; the file and a new tab have everyone's.
        Assert.Equal(["echo one", "echo three"], first.Entries);
        Assert.Equal(["echo two"], second.Entries);
        Assert.Equal(["echo one", "echo two", "echo three"], new ShellHistory(folder).Entries);
        Assert.Equal("echo one\necho two\necho three\n", File.ReadAllText(Path.Combine(_root, ShellHistory.FileName)));
    }

    [Fact]
    public void A_grown_file_is_cut_to_the_last_entries_on_the_next_line()
    {
        var folder = new WorkingFolder(_root);
        var path = Path.Combine(_root, ShellHistory.FileName);
        File.WriteAllLines(path, Enumerable.Range(0, 3000).Select(i => $"echo {i} " + new string('x', 400)));
        var history = new ShellHistory(folder);
        Assert.Equal(ShellHistory.MaxEntries, history.Entries.Count);

        history.Add("echo last");
        var lines = File.ReadAllLines(path);
        Assert.Equal(ShellHistory.MaxEntries + 1, lines.Length);
        Assert.Equal("echo last", lines[^1]);
        Assert.StartsWith("echo 2000 ", lines[0]);
    }
}
