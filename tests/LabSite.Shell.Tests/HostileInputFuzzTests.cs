using System.Text;
using LabSite.Shell.Terminal;
using LabSite.Shell.Tests.Support;

namespace LabSite.Shell.Tests;

/// <summary>
/// Ten thousand generated hostile lines (metacharacters, substitutions, traversal, huge and control-character input)
/// through the interpreter, and random key streams through the terminal session. Nothing may escape: no file appears or
/// changes outside the lab folder, no process other than the allow-listed jq (and bpftool, which here may only print its
/// version: the fake cluster owns no eBPF objects) starts, and nothing crashes.
/// </summary>
public class HostileInputFuzzTests
{
    private static readonly string[] s_commands =
    [
        "echo", "cat", "ls", "grep", "head", "tail", "wc", "sort", "jq", "kubectl", "kubectl get", "kubectl apply -f",
        "kubectl exec xwing --", "kubectl -n kube-system exec ds/cilium --", "cilium-dbg", "hubble observe", "history", "help",
        "bash", "sh", "/bin/sh", "rm", "python3", "env", "exec", "source", ".", "eval", "kubectl get pods -o", "kubectl logs",
        "kubectl label pod xwing", "kubectl run x --image", "kubectl describe", "kubectl delete", "kubectl explain",
        "bpftool", "bpftool map dump pinned", "bpftool -j prog show", "bpftool map lookup id 1 key", "bpftool prog dump xlated id 1",
    ];

    private static readonly string[] s_pieces =
    [
        "../../etc/passwd", "/etc/shadow", "~/.ssh/id_rsa", "$(touch /tmp/pwned)", "`id`", "${HOME}", "$HOME", "$PATH", "$?", "$$",
        "a;b", "&&", "||", "|", ">", ">>", "<", "<<EOF", "<<'X'", "2>&1", "2>", "'", "\"", "\\", "\0", "\u001b[31m", "\u001b]0;x\u0007",
        "\r", "\n", "\t", "*", "?", "[a-z]", "..", ".", "-f", "-", "out.txt", "sub/../../x", "-o", "jsonpath={..name}", "{", "}",
        "(", ")", "#", "&", ";", "!", "--", "-rf", "/", "//", "/proc/self/environ", "/dev/tcp/127.0.0.1/80", "a\u0000b", "é☃",
        "-L", "/", "--rawfile", "x", "/etc/passwd", "input_filename", "env", "$ENV", "import \"a\" as a; .", "include \"b\";",
        "pods", "all", "cnp", "xwing", "deploy/deathstar", "ds/cilium", "--overwrite", "org=x", "org-", "-n", "kube-system",
        "/dev/null", "lab", "../lab", "./x", "x/../y", "%s%s%n", "\u202e", "\ud800", "\\\n", "EOF", "X",
        "map", "prog", "update", "delete", "pin", "load", "id", "pinned", "name", "key", "hex", "0x0a", "--bpffs", "-d", "batch", "net", "-V",
    ];

    private static string Line(Random random)
    {
        var text = new StringBuilder();
        text.Append(s_commands[random.Next(s_commands.Length)]);
        var count = random.Next(0, 9);
        for (var i = 0; i < count; i++)
        {
            text.Append(random.Next(4) == 0 ? "" : " ");
            switch (random.Next(12))
            {
                case 0:
                    text.Append((char)random.Next(0, 32));
                    break;
                case 1:
                    text.Append(new string((char)random.Next(33, 127), random.Next(1, 40)));
                    break;
                default:
                    text.Append(s_pieces[random.Next(s_pieces.Length)]);
                    break;
            }
        }
        return text.ToString();
    }

    private static Dictionary<string, (long, DateTime)> Snapshot(string root, string skip) =>
        Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(p => !p.StartsWith(skip, StringComparison.Ordinal))
            .ToDictionary(p => p, p => (File.Exists(p) ? new FileInfo(p).Length : -1, File.GetLastWriteTimeUtc(p)));

    [Fact]
    public async Task Ten_thousand_hostile_lines_do_not_escape_the_lab_folder()
    {
        var tools = new RecordingToolRunner();
        using var shell = new ShellHarness(tools: tools);
        File.WriteAllText(Path.Combine(shell.Parent, "sentinel"), "untouched");
        Directory.CreateDirectory(Path.Combine(shell.Parent, "sibling"));
        var outside = Snapshot(shell.Parent, shell.Folder.Root);
        var cwd = Directory.GetCurrentDirectory();
        var cwdBefore = Directory.EnumerateFileSystemEntries(cwd).ToHashSet();
        var random = new Random(20261122);
        var statuses = new Dictionary<int, int>();

        for (var i = 0; i < 10_000; i++)
        {
            var line = i % 1000 == 999 ? Line(random) + new string('A', 200_000) : Line(random);
            if (line.StartsWith("jq", StringComparison.Ordinal) && random.Next(5) != 0)
            {
                // Keep real jq runs to a few hundred: each is a process start.
                line = "echo" + line[2..];
            }
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var stdout = new BoundedTestWriter();
            var status = await shell.Interpreter.RunAsync(line, stdout, stdout, timeout.Token, new StringReader("{\"a\":1}"));
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
        }

        Assert.Equal(outside, Snapshot(shell.Parent, shell.Folder.Root));
        Assert.Equal("untouched", File.ReadAllText(Path.Combine(shell.Parent, "sentinel")));
        Assert.Equal(cwdBefore, Directory.EnumerateFileSystemEntries(cwd).ToHashSet());
        Assert.NotEmpty(tools.Runs);
        Assert.All(tools.Runs, run => Assert.True(
            run.Path == "/usr/bin/jq" || (run.Path == "/usr/sbin/bpftool" && run.Args.All(a => a is "-j" or "-p" or "version")),
            $"{run.Path} {string.Join(' ', run.Args)}"));
        // The generator reaches successes, usage errors, syntax errors and unknown commands alike.
        Assert.Contains(0, statuses.Keys);
        Assert.Contains(2, statuses.Keys);
        Assert.Contains(127, statuses.Keys);
    }

    [Fact]
    public async Task Random_key_streams_do_not_break_the_terminal_session()
    {
        using var harness = new ShellHarness(tools: new RecordingToolRunner());
        var output = new StringBuilder();
        using var shell = new LabShell(harness.Session, s =>
        {
            lock (output)
            {
                if (output.Length < 1_000_000)
                {
                    output.Append(s);
                }
            }
        });
        shell.Start();
        var random = new Random(7);
        string[] keys = ["\u001b[A", "\u001b[B", "\u001b[C", "\u001b[D", "\u001b[H", "\u001b[F", "\u001b[3~", "\u001b", "\u001b[", "\u0001",
            "\u0005", "\u000b", "\u0015", "\u0017", "\u007f", "\t", "\r", "\u000c", "ls", "echo x", "'", "<<E", "|", "kubectl get po", " "];
        for (var i = 0; i < 3000 && !shell.HasExited; i++)
        {
            var chunk = random.Next(10) == 0 ? ((char)random.Next(0, 128)).ToString() : keys[random.Next(keys.Length)];
            if (chunk is "\u0004" or "\u0003")
            {
                continue;
            }
            await shell.InputAsync(chunk);
            await shell.WhenIdleAsync();
        }
        await shell.InputAsync("\u0015\u0003echo still alive\r");
        await shell.WhenIdleAsync();
        Assert.Contains("still alive\r\n", output.ToString()[^2000..]);
    }

    /// <summary>Discards output beyond 1 MiB per line, as a terminal would scroll it away.</summary>
    private sealed class BoundedTestWriter : StringWriter
    {
        public override void Write(char value)
        {
            if (GetStringBuilder().Length < 1 << 20)
            {
                base.Write(value);
            }
        }

        public override void Write(string? value)
        {
            if (GetStringBuilder().Length < 1 << 20)
            {
                base.Write(value);
            }
        }

        public override void Write(char[] buffer, int index, int count)
        {
            if (GetStringBuilder().Length < 1 << 20)
            {
                base.Write(buffer, index, count);
            }
        }
    }
}
