using System.IO.Pipelines;
using System.Text;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Shell.Completion;
using LabSite.Shell.Parsing;

namespace LabSite.Shell.Terminal;

/// <summary>
/// One interactive lab shell on a terminal: decodes keys, edits the line, runs complete lines (asking for more with
/// <c>&gt; </c> while a quote, pipe or here-document is open), streams output as VT100 text to the output callback.
/// While a command runs, Ctrl-C cancels it and other keys wait as typeahead. Socket-free, so tests drive it directly;
/// the web terminal and <c>labsite cluster shell</c> wrap it. Survives a reconnect: the session object outlives a socket.
/// A command may take the whole terminal for an interactive program (<see cref="IInteractiveTerminal"/>): keys then go
/// to it raw, not to the line editor.
/// </summary>
public sealed class LabShell : IInteractiveTerminal, IDisposable
{
    public const string ContinuationPrompt = "> ";

    /// <summary>Keys an attached program has not read yet; past this, typing waits (a paste cannot grow memory without end).</summary>
    private const long MaxUnreadKeyBytes = 1024 * 1024;

    private readonly ShellSession _session;
    private readonly Action<string> _output;
    private readonly VtInputDecoder _decoder = new();
    private readonly LineEditor _editor = new();
    private readonly ShellInterpreter _interpreter;
    private readonly TerminalWriter _writer;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Queue<KeyInput> _typeahead = new();
    private string? _pending;
    private Task? _running;
    private CancellationTokenSource? _cancel;
    private int _rows = 24;
    private (Pipe Keys, ExecTerminal Window)? _attached;

    public LabShell(ShellSession session, Action<string> output)
    {
        _session = session;
        _output = output;
        _interpreter = new ShellInterpreter(session);
        _writer = new TerminalWriter(output);
        session.Terminal = this;
    }

    public ShellSession Session => _session;

    public bool HasExited { get; private set; }

    /// <summary>Raised once, when the learner leaves with <c>exit</c> or Ctrl-D.</summary>
    public event Action? Exited;

    public string Prompt => $"\u001b[1;32m{_session.Cluster?.Name ?? "lab"}\u001b[0m$ ";

    /// <summary>Greets and shows the first prompt.</summary>
    public void Start()
    {
        _writer.Write("LabSite lab shell: kubectl, cilium-dbg, hubble and a few tools. Type 'help'; Ctrl-D ends the session.\n");
        NewPrompt();
    }

    /// <summary>Redraws the prompt and the current line, e.g. after a browser reconnects to this session.</summary>
    public void Redraw() => _output(_editor.Render(_pending is null ? Prompt : ContinuationPrompt));

    public async Task InputAsync(string data)
    {
        await _gate.WaitAsync();
        try
        {
            if (_attached is { } attached)
            {
                if (!HasExited)
                {
                    await attached.Keys.Writer.WriteAsync(Encoding.UTF8.GetBytes(data));
                }
                return;
            }
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
    public Task ResizeAsync(int columns) => ResizeAsync(columns, _rows);

    /// <summary>The terminal is now <paramref name="columns"/> by <paramref name="rows"/>; an attached program gets the new size.</summary>
    public async Task ResizeAsync(int columns, int rows)
    {
        await _gate.WaitAsync();
        try
        {
            _rows = rows;
            if (_attached is { } attached)
            {
                _editor.Resize(columns);
                attached.Window.Resize(new TerminalSize(columns, rows));
                return;
            }
            if (_editor.Width == columns)
            {
                return;
            }
            _editor.Resize(columns);
            if (_running is null && !HasExited)
            {
                _output(_editor.Render(_pending is null ? Prompt : ContinuationPrompt));
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<int> AttachAsync(Func<TerminalAttachment, CancellationToken, Task<int>> program, CancellationToken ct)
    {
        var keys = new Pipe(new PipeOptions(pauseWriterThreshold: MaxUnreadKeyBytes, resumeWriterThreshold: MaxUnreadKeyBytes / 2, useSynchronizationContext: false));
        var window = new ExecTerminal(new TerminalSize(_editor.Width, _rows));
        await _gate.WaitAsync(ct);
        try
        {
            if (_attached is not null)
            {
                throw new InvalidOperationException("the terminal is already attached to a program");
            }
            _attached = (keys, window);
            // Typed after the command's Enter, before it took the terminal: the program's, as a terminal's buffer would hold it.
            var early = string.Concat(_typeahead.Select(KeyText));
            _typeahead.Clear();
            await keys.Writer.WriteAsync(Encoding.UTF8.GetBytes(early), ct);
        }
        finally
        {
            _gate.Release();
        }
        try
        {
            return await program(new TerminalAttachment(keys.Reader.AsStream(), new ScreenStream(_writer), window), ct);
        }
        finally
        {
            await _gate.WaitAsync(CancellationToken.None);
            _attached = null;
            await keys.Writer.CompleteAsync();
            _gate.Release();
        }
    }

    /// <summary>A decoded key as the bytes a terminal sends for it (typeahead handed to an attached program).</summary>
    private static string KeyText(KeyInput key) => key.Key switch
    {
        Key.Char => key.Text.ToString(),
        Key.Enter => "\r",
        Key.Backspace => "\u007f",
        Key.Tab => "\t",
        Key.Interrupt => "\u0003",
        Key.EndOfFile => "\u0004",
        Key.ClearScreen => "\u000c",
        Key.KillToEnd => "\u000b",
        Key.KillToStart => "\u0015",
        Key.KillWordBack => "\u0017",
        Key.Up => "\u001b[A",
        Key.Down => "\u001b[B",
        Key.Right => "\u001b[C",
        Key.Left => "\u001b[D",
        Key.Home => "\u001b[H",
        Key.End => "\u001b[F",
        Key.Delete => "\u001b[3~",
        _ => "",
    };

    /// <summary>An attached program's output: UTF-8 decoded across writes, then shown verbatim.</summary>
    private sealed class ScreenStream(TerminalWriter writer) : Stream
    {
        private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            lock (_decoder)
            {
                var chars = new char[_decoder.GetCharCount(buffer, flush: false)];
                var n = _decoder.GetChars(buffer, chars, flush: false);
                writer.WriteVerbatim(new string(chars, 0, n));
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
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
                _output(_editor.Render(prompt));
                break;
            case EditOutcome.Submitted:
                _output(_editor.LeaveLine(prompt));
                Submit();
                break;
            case EditOutcome.Interrupted:
                _output(_editor.LeaveLine(prompt));
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
                _output("\u001b[H\u001b[2J" + _editor.Render(prompt));
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
            _editor.Reset(_session.History.Entries);
            _output(_editor.Render(ContinuationPrompt));
            return;
        }
        _pending = null;
        if (text.Trim().Length == 0)
        {
            NewPrompt();
            return;
        }
        _session.History.Add(text);
        _cancel = new CancellationTokenSource();
        var token = _cancel.Token;
        _running = Task.Run(async () =>
        {
            try
            {
                await _interpreter.RunAsync(text, _writer, _writer, token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Ctrl-C came before the command looked at its token: it never ran, and the prompt must still come back.
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
            if (_session.ExitRequested)
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
        var data = await CompletionDataAsync(_editor.Text, _editor.Cursor);
        var result = CompletionEngine.Complete(_editor.Text, _editor.Cursor, data);
        if (result.Candidates.Count == 0)
        {
            _output("\u0007");
            return;
        }
        if (result.Candidates.Count == 1)
        {
            _editor.ReplaceBeforeCursor(result.Word.Length, result.Candidates[0] + (result.NoSpace || result.Candidates[0].EndsWith('=') ? "" : " "));
            _output(_editor.Render(prompt));
            return;
        }
        var common = result.CommonPrefix;
        if (common.Length > result.Word.Length)
        {
            _editor.ReplaceBeforeCursor(result.Word.Length, common);
            _output(_editor.Render(prompt));
            return;
        }
        _output(_editor.LeaveLine(prompt));
        _writer.Write("\n" + string.Join("  ", result.Candidates.Take(100)) + "\n");
        _output(_editor.Render(prompt));
    }

    private async Task<CompletionData> CompletionDataAsync(string line, int cursor)
    {
        KubectlCandidates? kubectl = null;
        if (CompletionEngine.KubectlLine(line, cursor) is { } words && _session.Cluster is IKubectlRunner runner)
        {
            // The real kubectl answers (cobra's __complete), within a short deadline; the keys typed meanwhile wait.
            kubectl = await KubectlCompletion.AskAsync(runner, words.Args, words.Word, KubectlCompletion.Timeout, CancellationToken.None);
        }
        var files = Directory.EnumerateFiles(_session.Folder.Root).Select(Path.GetFileName).Where(n => n is not null && !n.StartsWith('.')).Select(n => n!).ToList();
        return new CompletionData(_session.Commands.Keys.ToList(), files, kubectl);
    }

    private void NewPrompt()
    {
        _editor.Reset(_session.History.Entries);
        // Like zsh, end an unterminated last line of output so the prompt starts at column 0.
        _output((_writer.AtLineStart ? "" : "\r\n") + _editor.Render(Prompt));
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

    /// <summary>Cancels a running command (the terminal went away for good), an attached program with it. The gate stays usable for its ending.</summary>
    public void Dispose() => _cancel?.Cancel();
}
