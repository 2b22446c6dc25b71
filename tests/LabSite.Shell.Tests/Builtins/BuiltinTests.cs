using LabSite.Shell.Tests.Support;

namespace LabSite.Shell.Tests.Builtins;

public class BuiltinTests
{
    [Fact]
    public async Task Echo_redirect_and_cat_round_trip_in_the_lab_folder()
    {
        using var shell = new ShellHarness();
        await shell.RunAsync("echo one > notes.txt; echo two >> notes.txt");
        Assert.Equal("one\ntwo\n", shell.File("notes.txt"));
        Assert.Equal((0, "one\ntwo\n", ""), await shell.RunAsync("cat notes.txt"));
    }

    [Fact]
    public async Task Here_document_saved_with_cat_becomes_a_file()
    {
        using var shell = new ShellHarness();
        var (status, _, err) = await shell.RunAsync("cat > policy.yaml <<EOF\nkind: CiliumNetworkPolicy\nEOF");
        Assert.Equal((0, ""), (status, err));
        Assert.Equal("kind: CiliumNetworkPolicy\n", shell.File("policy.yaml"));
    }

    [Fact]
    public async Task Grep_supports_ignore_case_invert_count_and_extended()
    {
        using var shell = new ShellHarness();
        const string text = "xwing\nTiefighter\ndeathstar\n";
        Assert.Equal("Tiefighter\n", (await shell.RunAsync("grep -i TIE", text)).Out);
        Assert.Equal("xwing\ndeathstar\n", (await shell.RunAsync("grep -v -i tie", text)).Out);
        Assert.Equal("2\n", (await shell.RunAsync("grep -c -E 'wing|star'", text)).Out);
        Assert.Equal("0\n", (await shell.RunAsync("grep -c 'wing|star'", text)).Out);
        Assert.Equal(1, (await shell.RunAsync("grep nothing", text)).Status);
    }

    [Fact]
    public async Task Grep_reports_a_bad_pattern()
    {
        using var shell = new ShellHarness();
        var (status, _, err) = await shell.RunAsync("grep -E '(' ", "x\n");
        Assert.Equal(2, status);
        Assert.StartsWith("grep: invalid regular expression '('", err);
    }

    [Fact]
    public async Task Head_tail_wc_sort_work_on_pipes()
    {
        using var shell = new ShellHarness();
        const string text = "c\na\nb\nd\n";
        Assert.Equal("c\na\n", (await shell.RunAsync("head -n 2", text)).Out);
        Assert.Equal("b\nd\n", (await shell.RunAsync("tail -2", text)).Out);
        Assert.Equal("a\nb\nd\n", (await shell.RunAsync("tail -n +2", text)).Out);
        Assert.Equal("4\n", (await shell.RunAsync("wc -l", text)).Out);
        Assert.Equal("d\nc\nb\na\n", (await shell.RunAsync("sort -r", text)).Out);
        Assert.Equal("2\n10\n", (await shell.RunAsync("sort -n", "10\n2\n")).Out);
        Assert.Equal("      4       4       8\n", (await shell.RunAsync("wc", text)).Out);
    }

    [Fact]
    public async Task And_or_follow_exit_statuses()
    {
        using var shell = new ShellHarness();
        Assert.Equal("no\n", (await shell.RunAsync("grep x notes.txt 2>/dev/null && echo yes || echo no")).Out);
        Assert.Equal("a\nb\n", (await shell.RunAsync("echo a; echo b")).Out);
    }

    [Fact]
    public async Task Unknown_command_is_127_with_a_hint()
    {
        using var shell = new ShellHarness();
        var (status, _, err) = await shell.RunAsync("bash -c id");
        Assert.Equal(127, status);
        Assert.Equal("labsh: bash: command not found (type 'help' to see the commands of this lab shell)\n", err);
    }

    [Fact]
    public async Task Cat_outside_the_folder_is_refused()
    {
        using var shell = new ShellHarness();
        var (status, _, err) = await shell.RunAsync("cat /etc/passwd ../x");
        Assert.Equal(1, status);
        Assert.Equal("cat: /etc/passwd: absolute paths are outside the lab folder; use a name relative to it\ncat: ../x: .. leaves the lab folder; files live in the lab folder only\n", err);
    }

    [Fact]
    public async Task Ls_lists_visible_files_sorted()
    {
        using var shell = new ShellHarness();
        await shell.RunAsync("echo > b.yaml; echo > a.yaml; echo x > .hidden");
        Assert.Equal("a.yaml\nb.yaml\n", (await shell.RunAsync("ls")).Out);
        Assert.Contains(".hidden\n", (await shell.RunAsync("ls -a")).Out);
        Assert.Equal("ls: cannot access 'nope': No such file or directory\n", (await shell.RunAsync("ls nope")).Err);
    }

    [Fact]
    public async Task Jq_runs_the_real_jq_on_stdin()
    {
        using var shell = new ShellHarness();
        var (status, output, _) = await shell.RunAsync("jq -r '.items[].name'", """{"items":[{"name":"xwing"},{"name":"tiefighter"}]}""");
        Assert.Equal((0, "xwing\ntiefighter\n"), (status, output));
    }

    [Fact]
    public async Task Jq_sees_no_environment()
    {
        using var shell = new ShellHarness();
        Environment.SetEnvironmentVariable("LABSH_SECRET", "s3cret");
        var (_, output, _) = await shell.RunAsync("jq -n -c 'env'");
        Assert.Equal("{}\n", output);
    }

    [Theory]
    [InlineData("jq . file.json", "jq: file operand 'file.json' is not available in the lab shell; pipe the JSON in: cat file.json | jq '.'")]
    [InlineData("jq -f prog.jq", "jq: option -f is not available in the lab shell (jq reads stdin only here)")]
    [InlineData("jq --rawfile x /etc/passwd .", "jq: option --rawfile is not available in the lab shell (jq reads stdin only here)")]
    [InlineData("jq -L / 'import \"x\" as x; .'", "jq: option -L is not available in the lab shell (jq reads stdin only here)")]
    [InlineData("jq 'include \"a\"; .'", "jq: import and include are not available in the lab shell")]
    public async Task Jq_options_that_read_files_are_refused(string line, string message)
    {
        var tools = new RecordingToolRunner();
        using var shell = new ShellHarness(tools: tools);
        var (status, _, err) = await shell.RunAsync(line, "{}");
        Assert.Equal((2, message + "\n"), (status, err));
        Assert.Empty(tools.Runs);
    }

    [Fact]
    public async Task History_is_kept_in_the_lab_folder()
    {
        using var shell = new ShellHarness();
        shell.Session.History.Add("kubectl get pods");
        shell.Session.History.Add("kubectl get pods");
        shell.Session.History.Add("echo hi");
        Assert.Equal("    1  kubectl get pods\n    2  echo hi\n", (await shell.RunAsync("history")).Out);
        Assert.Equal(["kubectl get pods", "echo hi"], new LabSite.Shell.ShellHistory(shell.Folder).Entries);
    }
}
