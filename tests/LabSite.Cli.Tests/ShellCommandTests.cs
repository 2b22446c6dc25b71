using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Shell;

namespace LabSite.Cli.Tests;

public class ShellCommandTests : IDisposable
{
    /// <summary>
    /// A cluster with one namespace and a stand-in for the agent's kubectl runner that echoes its arguments, for the CLI's
    /// own logic (the real kubectl in the lab shell is tested against live labs in LabSite.Shell.Tests and LabSite.Agent.Tests).
    /// </summary>
    private sealed class OneNamespaceCluster : ILabCluster, IKubectlRunner
    {
        public string Name => "lab1";

        public string Backend => "fake";

        public Task<ApplyResult> ApplyAsync(ManifestText manifests, ApplyMode mode, CancellationToken ct) => Task.FromResult(new ApplyResult(["ok"], []));

        public Task<IReadOnlyList<KubeObject>> GetAsync(ObjectQuery query, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<KubeObject>>(query.Kind == "namespaces"
                ? [new KubeObject(JsonNode.Parse("""{"kind":"Namespace","metadata":{"name":"default"},"status":{"phase":"Active"}}""")!.AsObject())]
                : []);

        public Task<int> ExecAsync(ExecRequest request, ExecStreams streams, CancellationToken ct) => Task.FromResult(0);

        /// <summary><c>kubectl ... -- wait</c> runs until interrupted, as a hanging curl would; other lines print their words.</summary>
        public async Task<int> RunKubectlAsync(KubectlInvocation invocation, ExecStreams streams, CancellationToken ct)
        {
            if (invocation.Args is [.., "--", "wait"])
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            await streams.StandardOutput.WriteAsync(System.Text.Encoding.UTF8.GetBytes($"kubectl {string.Join(' ', invocation.Args)} ({invocation.Files.Count} files)\n"), ct);
            return invocation.Args.Contains("fail") ? 1 : 0;
        }

        public Task<string> LogsAsync(string @namespace, string pod, int? tailLines, CancellationToken ct) => Task.FromResult("");
    }

    private readonly string _dir = Directory.CreateTempSubdirectory("labsh-cli-").FullName;

    private ShellSession Session() => new(new WorkingFolder(_dir), new OneNamespaceCluster(), new ProcessToolRunner());

    [Fact]
    public async Task Dash_c_runs_one_line_and_returns_its_status()
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var status = await ShellCommand.RunAsync(Session(), "kubectl get ns -o name && kubectl get fail || echo failed", new StringReader(""), stdout, stderr, false, CancellationToken.None);
        Assert.Equal((0, "kubectl get ns -o name (0 files)\nkubectl get fail (0 files)\nfailed\n", ""), (status, stdout.ToString(), stderr.ToString()));
        Assert.Equal(2, await ShellCommand.RunAsync(Session(), "echo 'open", new StringReader(""), stdout, stderr, false, CancellationToken.None));
    }

    [Fact]
    public async Task Redirected_stdin_runs_as_a_script_with_here_documents()
    {
        var stdout = new StringWriter();
        var script = "cat > p.yaml <<'EOF'\nkind: Pod\nEOF\nkubectl apply -f p.yaml\ncat p.yaml | wc -l\n";
        var status = await ShellCommand.RunAsync(Session(), null, new StringReader(script), stdout, new StringWriter(), true, CancellationToken.None);
        Assert.Equal((0, "kubectl apply -f p.yaml (1 files)\n1\n"), (status, stdout.ToString()));
    }

    [Fact]
    public async Task Prompt_mode_reads_lines_and_continues_open_quotes()
    {
        var stdout = new StringWriter();
        var status = await ShellCommand.RunAsync(Session(), null, new StringReader("echo 'a\nb'\nexit\necho never\n"), stdout, new StringWriter(), false, CancellationToken.None);
        Assert.Equal((0, "lab1$ > a\nb\nlab1$ "), (status, stdout.ToString()));
    }

    [Fact]
    public async Task Ctrl_C_interrupts_the_running_line_and_the_prompt_carries_on()
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdin = new LinesThenSignal(["kubectl exec pod1 -- wait", "echo after"]);
        using var interrupt = new LineInterrupt();
        var stdout = new StringWriter();
        var running = ShellCommand.RunAsync(Session(), null, stdin, stdout, new StringWriter(), false, bound.Token, interrupt);
        // Ctrl-C until the prompt asks for the second line: the first one is blocked until interrupted.
        while (stdin.LinesRead < 2 && !running.IsCompleted)
        {
            interrupt.Interrupt();
            await Task.Delay(20, bound.Token);
        }

        Assert.Equal(0, await running);
        Assert.EndsWith("after\nlab1$ ", stdout.ToString());
        Assert.False(bound.IsCancellationRequested);
    }

    /// <summary>Lines as typed at the prompt, counting how many the shell has asked for.</summary>
    private sealed class LinesThenSignal(string[] lines) : TextReader
    {
        private int _next;

        public int LinesRead => Volatile.Read(ref _next);

        public override string? ReadLine() => _next < lines.Length ? lines[Interlocked.Increment(ref _next) - 1] : null;

        public override ValueTask<string?> ReadLineAsync(CancellationToken ct) => ValueTask.FromResult(ReadLine());
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
