using System.Text;
using System.Threading.Channels;
using LabSite.Shell.Terminal;

namespace LabSite.Web.Terminal;

/// <summary>
/// One learner's terminal for one lab: the lab shell plus what it printed lately. It outlives its WebSocket: a browser
/// that reconnects (reload, network blip) is attached to the same shell and first gets the recent screen back.
/// One attachment at a time; a new one replaces the old. Watchers (an instructor shadowing a workshop attendee) see the
/// same output without replacing the attachment; they have no input path here at all.
/// </summary>
public sealed class TerminalSession : IDisposable
{
    /// <summary>How much recent output a reconnecting browser gets back (xterm.js redraws it).</summary>
    public const int ReplayChars = 128 * 1024;

    private readonly object _gate = new();
    private readonly StringBuilder _recent = new();
    private Channel<string>? _attached;
    private readonly List<Channel<string>> _watchers = [];

    /// <summary>A bound on watchers per terminal: each holds a channel of output on the server.</summary>
    public const int MaxWatchers = 4;

    private readonly TimeProvider _clock;

    public TerminalSession(Func<Action<string>, LabShell> createShell, TimeProvider clock)
    {
        _clock = clock;
        LastActivity = clock.GetUtcNow();
        Shell = createShell(Output);
        Shell.Exited += OnExited;
    }

    public LabShell Shell { get; }

    public DateTimeOffset LastActivity { get; private set; }

    /// <summary>When the learner last pressed Enter (sent a command); null before the first.</summary>
    public DateTimeOffset? LastCommandAt { get; private set; }

    public bool IsAttached
    {
        get
        {
            lock (_gate)
            {
                return _attached is not null;
            }
        }
    }

    /// <summary>The generation of the cluster this session's shell holds (see <see cref="ILabClusterLocator.Generation"/>).</summary>
    public int ClusterGeneration { get; init; }

    public int Columns { get; private set; } = 80;

    public int Rows { get; private set; } = 24;

    /// <summary>
    /// Attaches a reader of output: it receives a terminal reset plus the recent output, then everything new.
    /// The channel completes when another attachment replaces it or the shell exits.
    /// </summary>
    public ChannelReader<string> Attach()
    {
        var channel = Channel.CreateBounded<string>(new BoundedChannelOptions(4096) { FullMode = BoundedChannelFullMode.DropOldest });
        Channel<string>? previous;
        lock (_gate)
        {
            previous = _attached;
            _attached = channel;
            // ESC c (RIS) clears what the browser showed before, so the replay does not duplicate it.
            channel.Writer.TryWrite("\u001bc" + _recent);
            LastActivity = _clock.GetUtcNow();
        }
        previous?.Writer.TryComplete();
        return channel.Reader;
    }

    /// <summary>Detaches a reader if it is still the current one (a replaced reader detaching changes nothing).</summary>
    public void Detach(ChannelReader<string> reader)
    {
        lock (_gate)
        {
            if (_attached?.Reader == reader)
            {
                _attached.Writer.TryComplete();
                _attached = null;
            }
            LastActivity = _clock.GetUtcNow();
        }
    }

    /// <summary>
    /// Adds a read-only watcher: it receives a terminal reset plus the recent output, then everything new, until it
    /// unwatches or the session ends. Null when <see cref="MaxWatchers"/> already watch.
    /// </summary>
    public ChannelReader<string>? Watch()
    {
        var channel = Channel.CreateBounded<string>(new BoundedChannelOptions(4096) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (_gate)
        {
            if (_watchers.Count >= MaxWatchers)
            {
                return null;
            }
            _watchers.Add(channel);
            channel.Writer.TryWrite("\u001bc" + _recent);
        }
        return channel.Reader;
    }

    public void Unwatch(ChannelReader<string> reader)
    {
        lock (_gate)
        {
            foreach (var watcher in _watchers.Where(w => w.Reader == reader).ToList())
            {
                watcher.Writer.TryComplete();
                _watchers.Remove(watcher);
            }
        }
    }

    public Task InputAsync(string data)
    {
        LastActivity = _clock.GetUtcNow();
        if (data.Contains('\r', StringComparison.Ordinal))
        {
            LastCommandAt = LastActivity;
        }
        return Shell.InputAsync(data);
    }

    /// <summary>Prints a message from the site (not the shell), in yellow, on lines of its own.</summary>
    public void Notice(string text) => Output($"\u001b[33m[{text.Replace("\n", "\r\n", StringComparison.Ordinal)}]\u001b[0m\r\n");

    /// <summary>The browser's terminal changed size: remember it and let the shell redraw a line being edited (or pass it to an attached program).</summary>
    public Task ResizeAsync(int columns, int rows)
    {
        Columns = Math.Clamp(columns, 10, 1000);
        Rows = Math.Clamp(rows, 2, 500);
        return Shell.ResizeAsync(Columns, Rows);
    }

    private void Output(string text)
    {
        lock (_gate)
        {
            _recent.Append(text);
            if (_recent.Length > ReplayChars)
            {
                _recent.Remove(0, _recent.Length - ReplayChars);
            }
            _attached?.Writer.TryWrite(text);
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryWrite(text);
            }
        }
    }

    private void CompleteWatchers(string? farewell)
    {
        foreach (var watcher in _watchers)
        {
            if (farewell is not null)
            {
                watcher.Writer.TryWrite(farewell);
            }
            watcher.Writer.TryComplete();
        }
        _watchers.Clear();
    }

    /// <summary>The learner typed exit or Ctrl-D: tell the browser and end the attachment (the page offers a new session).</summary>
    private void OnExited()
    {
        lock (_gate)
        {
            if (_attached is not null)
            {
                _attached.Writer.TryWrite("\r\n[session ended]\r\n");
                _attached.Writer.TryComplete();
                _attached = null;
            }
            CompleteWatchers("\r\n[session ended]\r\n");
        }
    }

    /// <summary>Ends the session from the site's side (its cluster was deleted or replaced): says why, then disposes.</summary>
    public void Close(string reason)
    {
        lock (_gate)
        {
            _attached?.Writer.TryWrite($"\r\n[{reason}]\r\n");
            CompleteWatchers($"\r\n[{reason}]\r\n");
        }
        Dispose();
    }

    /// <summary>Ends the session (its tab was closed, or the site stops): the shell's command is cancelled, the browser let go.</summary>
    public void Dispose()
    {
        Shell.Dispose();
        lock (_gate)
        {
            _attached?.Writer.TryComplete();
            _attached = null;
            CompleteWatchers(null);
        }
    }
}
