using LabSite.Clusters.Contract;
using LabSite.Shell.Completion;
using LabSite.Shell.Parsing;

namespace LabSite.Shell.Terminal;

/// <summary>
/// One interactive lab shell on a terminal: decodes keys, edits the line, runs complete lines (asking for more with
/// <c>&gt; </c> while a quote, pipe or here-document is open), streams output as VT100 text to <paramref name="output"/>.
/// While a command runs, Ctrl-C cancels it and other keys wait as typeahead. Socket-free, so tests drive it directly;
/// the web terminal and <c>labsite cluster shell</c> wrap it. Survives a reconnect: the session object outlives a socket.
/// </summary>
public sealed class LabShell(ShellSession session, Action<string> output) : IDisposable
{
    public const string ContinuationPrompt = "> ";

    private readonly VtInputDecoder _decoder = new();
    private readonly LineEditor _editor = new();
    private readonly ShellInterpreter _interpreter = new(session);
    private readonly TerminalWriter _writer = new(output);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Queue<KeyInput> _typeahead = new();
    private string? _pending;
    private Task? _running;
    private CancellationTokenSource? _cancel;

    public ShellSession Session => session;

    public bool HasExited { get; private set; }

    /// <summary>Raised once, when the learner leaves with <c>exit</c> or Ctrl-D.</summary>
    public event Action? Exited;

    public string Prompt => $"\u001b[1;32m{session.Cluster?.Name ?? "lab"}\u001b[0m$ ";

    /// <summary>Greets and shows the first prompt.</summary>
    public void Start()
    {
        _writer.Write("LabSite lab shell: kubectl, cilium-dbg, hubble and a few tools. Type 'help'; Ctrl-D ends the session.\n");
        NewPrompt();
    }

    /// <summary>Redraws the prompt and the current line, e.g. after a browser reconnects to this session.</summary>
    public void Redraw() => output(_editor.Render(_pending is null ? Prompt : ContinuationPrompt));

    public async Task InputAsync(string data)
    {
        await _gate.WaitAsync();
        try
        {
            foreach (var key in _decoder.Decode(data))
            {
                if (HasExited)
                {
                    return;
                }
                if (_running is not null)
                {
                    if (key.Key == Key.Interrupt)
                    {
                        _writer.Write("^C");
                        _cancel?.Cancel();
                    }
                    else if (_typeahead.Count < LineEditor.MaxLineLength)
                    {
                        _typeahead.Enqueue(key);
                    }
                    continue;
                }
                await HandleAsync(key);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The terminal is now <paramref name="columns"/> cells wide: a line being edited is redrawn for that width (see
    /// <see cref="LineEditor.Resize"/>); while a command runs, the next prompt uses it.
    /// </summary>
    public async Task ResizeAsync(int columns)
    {
        await _gate.WaitAsync();
        try
        {
            if (_editor.Width == columns)
            {
                return;
            }
            _editor.Resize(columns);
            if (_running is null && !HasExited)
            {
                output(_editor.Render(_pending is null ? Prompt : ContinuationPrompt));
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Completes when no command is running (tests and scripted use).</summary>
    public async Task WhenIdleAsync()
    {
        while (_running is { } running)
        {
            await running;
            await Task.Yield();
        }
    }

    private async Task HandleAsync(KeyInput key)
    {
        var prompt = _pending is null ? Prompt : ContinuationPrompt;
        switch (_editor.Handle(key))
        {
            case EditOutcome.Changed:
                output(_editor.Render(prompt));
                break;
            case EditOutcome.Submitted:
                output(_editor.LeaveLine(prompt));
                Submit();
                break;
            case EditOutcome.Interrupted:
                output(_editor.LeaveLine(prompt));
                _writer.Write("^C\n");
                _pending = null;
                NewPrompt();
                break;
            case EditOutcome.EndOfFile:
                _writer.Write("exit\n");
                Exit();
                break;
            case EditOutcome.ClearScreen:
                _editor.AtRowStart();
                output("\u001b[H\u001b[2J" + _editor.Render(prompt));
                break;
            case EditOutcome.Complete:
                await CompleteAsync(prompt);
                break;
        }
    }

    private void Submit()
    {
        _writer.Write("\n");
        var text = _pending is null ? _editor.Text : _pending + "\n" + _editor.Text;
        ParseResult? parsed = null;
        try
        {
            parsed = ShellParser.Parse(text);
        }
        catch (ShellSyntaxException)
        {
            // Run it anyway: the interpreter prints the error with its column.
        }
        if (parsed is { IsComplete: false })
        {
            _pending = text;
            _editor.Reset(session.History.Entries);
            output(_editor.Render(ContinuationPrompt));
            return;
        }
        _pending = null;
        if (text.Trim().Length == 0)
        {
            NewPrompt();
            return;
        }
        session.History.Add(text);
        _cancel = new CancellationTokenSource();
        var token = _cancel.Token;
        _running = Task.Run(async () =>
        {
            try
            {
                await _interpreter.RunAsync(text, _writer, _writer, token);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A command's bug must not kill the session: report it like a shell would, and carry on.
                _writer.Write($"labsh: internal error: {e.Message}\n");
            }
            await AfterCommandAsync();
        });
    }

    private async Task AfterCommandAsync()
    {
        await _gate.WaitAsync();
        try
        {
            _running = null;
            _cancel?.Dispose();
            _cancel = null;
            if (session.ExitRequested)
            {
                Exit();
                return;
            }
            NewPrompt();
            while (_typeahead.Count > 0 && _running is null && !HasExited)
            {
                await HandleAsync(_typeahead.Dequeue());
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task CompleteAsync(string prompt)
    {
        var data = await CompletionDataAsync(_editor.Text);
        var result = CompletionEngine.Complete(_editor.Text, _editor.Cursor, data);
        if (result.Candidates.Count == 0)
        {
            output("\u0007");
            return;
        }
        if (result.Candidates.Count == 1)
        {
            _editor.ReplaceBeforeCursor(result.Word.Length, result.Candidates[0] + (result.Candidates[0].EndsWith('=') ? "" : " "));
            output(_editor.Render(prompt));
            return;
        }
        var common = result.CommonPrefix;
        if (common.Length > result.Word.Length)
        {
            _editor.ReplaceBeforeCursor(result.Word.Length, common);
            output(_editor.Render(prompt));
            return;
        }
        output(_editor.LeaveLine(prompt));
        _writer.Write("\n" + string.Join("  ", result.Candidates.Take(100)) + "\n");
        output(_editor.Render(prompt));
    }

    private async Task<CompletionData> CompletionDataAsync(string line)
    {
        var names = new Dictionary<string, IReadOnlyList<string>>();
        if (session.Cluster is { } cluster && line.TrimStart().StartsWith("kubectl", StringComparison.Ordinal))
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            foreach (var kind in new[] { "pods", "deployments", "services", "ciliumnetworkpolicies", "namespaces" })
            {
                try
                {
                    var ns = kind == "namespaces" ? null : CompletionNamespace(line);
                    names[kind] = (await cluster.GetAsync(new ObjectQuery(kind, ns), timeout.Token)).Select(o => o.Name).ToList();
                }
                catch (Exception e) when (e is ClusterException or OperationCanceledException or InvalidOperationException)
                {
                    // Completion is a convenience: without names it still offers verbs, kinds and flags.
                }
            }
        }
        var files = Directory.EnumerateFiles(session.Folder.Root).Select(Path.GetFileName).Where(n => n is not null && !n.StartsWith('.')).Select(n => n!).ToList();
        return new CompletionData(session.Commands.Keys.ToList(), names, files);
    }

    private static string CompletionNamespace(string line)
    {
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var at = Array.FindIndex(words, w => w is "-n" or "--namespace");
        return at >= 0 && at + 1 < words.Length ? words[at + 1] : Kubectl.KubectlCommand.DefaultNamespace;
    }

    private void NewPrompt()
    {
        _editor.Reset(session.History.Entries);
        // Like zsh, end an unterminated last line of output so the prompt starts at column 0.
        output((_writer.AtLineStart ? "" : "\r\n") + _editor.Render(Prompt));
        _writer.MarkPromptWritten();
    }

    private void Exit()
    {
        if (HasExited)
        {
            return;
        }
        HasExited = true;
        Exited?.Invoke();
    }

    /// <summary>Cancels a running command (the terminal went away for good). The gate stays usable for its ending.</summary>
    public void Dispose() => _cancel?.Cancel();
}
