using System.Text;
using LabSite.Shell.Terminal;
using LabSite.Shell.Tests.Support;

namespace LabSite.Shell.Tests.Terminal;

public class LabShellTests
{
    private sealed class Screen : IDisposable
    {
        private readonly StringBuilder _text = new();
        public readonly ShellHarness Harness;
        public readonly LabShell Shell;

        /// <param name="inspection">The cluster offers Hubble, so <c>hubble observe --follow</c> runs until interrupted.</param>
        public Screen(bool inspection = false)
        {
            Harness = new ShellHarness(inspection: inspection);
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

        /// <summary>Bounded wait until the screen shows <paramref name="text"/> (an attached program answers asynchronously).</summary>
        public async Task ShowsAsync(string text)
        {
            for (var i = 0; i < 300 && !Text.Contains(text, StringComparison.Ordinal); i++)
            {
                await Task.Delay(50);
            }
            Assert.True(Text.Contains(text, StringComparison.Ordinal), $"screen lacks {text}: {Text}");
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
        using var screen = new Screen(inspection: true);
        // Follows flows until interrupted (the in-memory lab has none coming).
        await screen.Shell.InputAsync("hubble observe --follow\r");
        await screen.Shell.InputAsync("echo after\r");
        await screen.Shell.InputAsync("\u0003");
        await screen.Shell.WhenIdleAsync();
        Assert.Contains("^C", screen.Text);
        Assert.Contains("\r\nafter\r\n", screen.Text);
    }

    [Fact]
    public async Task Ctrl_c_in_the_same_chunk_as_the_command_still_gives_the_prompt_back()
    {
        using var screen = new Screen(inspection: true);
        // One chunk (a paste): Ctrl-C lands before the command has started, so it sees a token already cancelled.
        for (var i = 0; i < 20; i++)
        {
            await screen.Shell.InputAsync($"hubble observe --follow\recho after{i}\r\u0003");
            await screen.Shell.WhenIdleAsync();
            Assert.Contains($"\r\nafter{i}\r\n", screen.Text);
        }
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
    public async Task Exec_it_hands_the_terminal_to_the_pods_session_and_exit_returns_to_the_prompt()
    {
        using var screen = new Screen();
        await screen.Shell.ResizeAsync(100, 30);
        // The fake pod shell (InMemoryCluster's "tty") says its window size and echoes each line it reads.
        await screen.Shell.InputAsync("kubectl exec -it xwing -- tty\r");
        await screen.ShowsAsync("size 100x30\r\n");
        Assert.True(screen.Harness.Cluster.Execs[0].Tty);

        // Keys reach the program raw: neither the line editor (no redraw of a prompt) nor Ctrl-C handling sees them.
        await screen.Shell.InputAsync("\u0003hello\r");
        await screen.ShowsAsync("\u0003hello\r\n");
        Assert.DoesNotContain("^C", screen.Text);
        await screen.Shell.ResizeAsync(120, 40);
        await screen.ShowsAsync("size 120x40\r\n");

        await screen.Shell.InputAsync("exit 3\r");
        await screen.Shell.WhenIdleAsync();
        Assert.EndsWith("exit 3\r\ncommand terminated with exit code 3\r\n\r\u001b[1;32mfake\u001b[0m$ \u001b[K", screen.Text);
        Assert.False(screen.Shell.HasExited);

        // The lab shell has its keys back.
        await screen.TypeAsync("echo back\r");
        Assert.Contains("\r\nback\r\n", screen.Text);
    }

    [Fact]
    public async Task Keys_typed_before_the_hand_over_go_to_the_pods_session_not_the_lab_shell()
    {
        using var screen = new Screen();
        // One chunk, as a fast paste: the second line must reach the pod's shell (its exit), not end the lab shell.
        await screen.TypeAsync("kubectl exec -it xwing -- tty\rexit 0\r");
        Assert.Contains("size 80x24\r\nexit 0\r\n", screen.Text);
        Assert.False(screen.Shell.HasExited);
        Assert.EndsWith("$ \u001b[K", screen.Text);
    }

    [Fact]
    public async Task Exec_i_without_t_on_the_terminal_is_refused_with_what_to_type()
    {
        using var screen = new Screen();
        await screen.TypeAsync("kubectl exec -i xwing -- sh\r");
        Assert.Contains("error: -i without -t reads the keyboard with no terminal to edit lines on; use kubectl exec -it xwing -- <command>", screen.Text);
        Assert.Empty(screen.Harness.Cluster.Execs);
    }

    [Fact]
    public async Task Tab_on_a_cluster_without_a_kubernetes_api_offers_no_kubectl_words_and_the_shells_own_still_complete()
    {
        // kubectl's candidates come from the real kubectl in the lab (KubectlCompletionPrivilegedTests); the in-memory lab has none to ask.
        using var screen = new Screen();
        await screen.TypeAsync("kubectl get po\t");
        Assert.EndsWith("kubectl get po\u001b[K\u0007", screen.Text);
        await screen.TypeAsync("\u0015cilium-dbg end\t");
        Assert.EndsWith("cilium-dbg endpoint \u001b[K", screen.Text);
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
