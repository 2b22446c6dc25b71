using System.Text;
using LabSite.Shell.Terminal;
using LabSite.Shell.Tests.Support;

namespace LabSite.Shell.Tests.Terminal;

public class LabShellTests
{
    private sealed class Screen : IDisposable
    {
        private readonly StringBuilder _text = new();
        public readonly ShellHarness Harness = new();
        public readonly LabShell Shell;

        public Screen()
        {
            Shell = new LabShell(Harness.Session, s =>
            {
                lock (_text)
                {
                    _text.Append(s);
                }
            });
            Shell.Start();
        }

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public async Task TypeAsync(string keys)
        {
            await Shell.InputAsync(keys);
            await Shell.WhenIdleAsync();
        }

        public void Dispose()
        {
            Shell.Dispose();
            Harness.Dispose();
        }
    }

    [Fact]
    public async Task A_typed_line_runs_and_output_uses_crlf()
    {
        using var screen = new Screen();
        await screen.TypeAsync("echo hi | grep h\r");
        Assert.Contains("echo hi | grep h\u001b[K\r\nhi\r\n", screen.Text);
        Assert.EndsWith("\r\u001b[1;32mfake\u001b[0m$ \u001b[K", screen.Text);
    }

    [Fact]
    public async Task Editing_keys_move_and_delete()
    {
        using var screen = new Screen();
        // "echo wrld", Left x4, insert "o", Ctrl-A, Ctrl-K (kills all), type again, Ctrl-W kills the last word.
        await screen.TypeAsync("echo wrld\u001b[D\u001b[D\u001b[D\u001b[Do");
        Assert.EndsWith("echo owrld\u001b[K\u001b[4D", screen.Text);
        await screen.TypeAsync("\u0001\u000becho one two\u0017three\r");
        Assert.Contains("\r\none three\r\n", screen.Text);
    }

    [Fact]
    public async Task Here_document_asks_for_more_lines_with_a_continuation_prompt()
    {
        using var screen = new Screen();
        await screen.TypeAsync("cat <<EOF\r");
        Assert.EndsWith("\r> \u001b[K", screen.Text);
        await screen.TypeAsync("line one\rEOF\r");
        Assert.Contains("\r\nline one\r\n", screen.Text);
        Assert.Equal("cat <<EOF\\nline one\\nEOF", screen.Harness.Session.History.Entries[^1]);
    }

    [Fact]
    public async Task History_up_recalls_and_is_saved_in_the_lab_folder()
    {
        using var screen = new Screen();
        await screen.TypeAsync("echo first\r");
        await screen.TypeAsync("\u001b[A");
        Assert.EndsWith("$ echo first\u001b[K", screen.Text);
        Assert.Equal("echo first\n", File.ReadAllText(Path.Combine(screen.Harness.Folder.Root, ShellHistory.FileName)));
    }

    [Fact]
    public async Task Ctrl_c_cancels_a_running_command_and_typeahead_runs_after()
    {
        using var screen = new Screen();
        var started = new TaskCompletionSource();
        screen.Harness.Cluster.OnExec = async (_, _, ct) =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return 0;
        };
        await screen.Shell.InputAsync("kubectl exec xwing -- sleep 1000\r");
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await screen.Shell.InputAsync("echo after\r");
        await screen.Shell.InputAsync("\u0003");
        await screen.Shell.WhenIdleAsync();
        Assert.Contains("^C", screen.Text);
        Assert.Contains("\r\nafter\r\n", screen.Text);
    }

    [Fact]
    public async Task Ctrl_c_on_a_line_discards_it_and_ctrl_d_on_an_empty_line_exits()
    {
        using var screen = new Screen();
        var exited = false;
        screen.Shell.Exited += () => exited = true;
        await screen.TypeAsync("echo never\u0003");
        Assert.Contains("^C\r\n", screen.Text);
        Assert.DoesNotContain("\r\nnever", screen.Text);
        await screen.TypeAsync("\u0004");
        Assert.True(exited);
        Assert.True(screen.Shell.HasExited);
    }

    [Fact]
    public async Task Tab_completes_pod_names_from_the_cluster()
    {
        using var screen = new Screen();
        await screen.TypeAsync("kubectl exec xw\t");
        Assert.EndsWith("kubectl exec xwing \u001b[K", screen.Text);
        await screen.TypeAsync("\u0015kubectl get pods de\t");
        Assert.EndsWith("kubectl get pods deathstar-54c4d4bdf9-\u001b[K", screen.Text);
        await screen.TypeAsync("\t");
        Assert.Contains("\r\ndeathstar-54c4d4bdf9-fwhtv  deathstar-54c4d4bdf9-h99qf\r\n", screen.Text);
    }

    [Fact]
    public async Task Resizing_redraws_the_line_being_edited_and_not_a_running_command()
    {
        using var screen = new Screen();
        await screen.TypeAsync("echo " + new string('x', 90));
        await screen.Shell.ResizeAsync(40);
        // The line wrapped at 80 (cursor on its second row): up one row to the prompt, redraw, erase below.
        Assert.Contains("\u001b[1A\r\u001b[1;32mfake\u001b[0m$ echo " + new string('x', 90) + "\u001b[J", screen.Text);
        var before = screen.Text.Length;
        await screen.Shell.ResizeAsync(40);
        Assert.Equal(before, screen.Text.Length);
    }

    [Fact]
    public async Task Exit_command_ends_the_session()
    {
        using var screen = new Screen();
        await screen.TypeAsync("exit\r");
        Assert.True(screen.Shell.HasExited);
    }

    [Fact]
    public void Decoder_keeps_a_split_escape_sequence()
    {
        var decoder = new VtInputDecoder();
        Assert.Empty(decoder.Decode("\u001b["));
        Assert.Equal([new KeyInput(Key.Up)], decoder.Decode("A"));
        Assert.Equal([new KeyInput(Key.Delete), new KeyInput(Key.Home), new KeyInput(Key.End), new KeyInput(Key.Char, 'x')], decoder.Decode("\u001b[3~\u001bOH\u001b[4~x"));
        Assert.Equal([new KeyInput(Key.Enter)], decoder.Decode("\r\n"));
    }
}
