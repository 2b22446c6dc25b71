using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace LabSite.TerminalBench;

/// <summary>
/// One browser terminal as xterm.js drives it: a WebSocket to <c>/labs/{lab}/terminal</c> with the learner's cookie,
/// JSON input messages out, VT100 text in. Received text accumulates; waits watch it from a mark, bounded in time.
/// </summary>
public sealed class TerminalClient : IAsyncDisposable
{
    /// <summary>The end of an empty prompt line as the lab shell renders it: prompt, nothing typed, erase to end of line.</summary>
    public const string PromptEnd = "\u001b[0m$ \u001b[K";

    private readonly ClientWebSocket _socket = new();
    private readonly StringBuilder _received = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private Task? _receiving;

    public TerminalClient(Guid learner) => Learner = learner;

    public Guid Learner { get; }

    /// <summary>The cluster name the site gives this learner for a lab (AgentClusterLocator.ClusterName).</summary>
    public string ClusterName(string lab) => ($"l{Learner:N}"[..9] + "-" + lab) is var n && n.Length > 32 ? n[..32].TrimEnd('-') : n.TrimEnd('-');

    /// <summary>Opens the lab's terminal as this learner (the site starts the learner's cluster for it).</summary>
    public Task ConnectAsync(Uri site, string lab, CancellationToken ct) => ConnectAsync(new UriBuilder(site) { Scheme = "ws", Path = $"/labs/{lab}/terminal" }.Uri, ct);

    public async Task ConnectAsync(Uri webSocket, CancellationToken ct)
    {
        _socket.Options.SetRequestHeader("Cookie", $"labsite-learner={Learner:N}");
        await _socket.ConnectAsync(webSocket, ct);
        _receiving = ReceiveAsync();
    }

    /// <summary>Where the next wait starts looking.</summary>
    public int Mark
    {
        get
        {
            lock (_received)
            {
                return _received.Length;
            }
        }
    }

    public string TextSince(int mark)
    {
        lock (_received)
        {
            return _received.ToString(mark, _received.Length - mark);
        }
    }

    public Task SendInputAsync(string data, CancellationToken ct) =>
        _socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(new { type = "input", data }), WebSocketMessageType.Text, true, ct);

    /// <summary>Waits until the text received since <paramref name="mark"/> satisfies <paramref name="done"/>.</summary>
    public async Task WaitAsync(int mark, Func<string, bool> done, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!done(TextSince(mark)))
        {
            var left = timeout - clock.Elapsed;
            if (left <= TimeSpan.Zero || _receiving is { IsCompleted: true })
            {
                var tail = TextSince(mark);
                throw new TimeoutException($"{what}: no answer after {timeout.TotalSeconds:0} s (socket {_socket.State}); received: {Escape(tail[Math.Max(0, tail.Length - 300)..])}");
            }
            await _arrived.WaitAsync(left);
        }
    }

    /// <summary>Types a line and presses Enter once its echo is back; returns the time from Enter to the next prompt.</summary>
    public async Task<TimeSpan> RunLineAsync(string line, TimeSpan timeout, CancellationToken ct)
    {
        var mark = Mark;
        await SendInputAsync(line, ct);
        await WaitAsync(mark, t => EndsWithLine(t, line), timeout, $"echo of '{line}'");
        mark = Mark;
        var clock = Stopwatch.StartNew();
        await SendInputAsync("\r", ct);
        await WaitAsync(mark, t => t.EndsWith(PromptEnd, StringComparison.Ordinal), timeout, $"prompt after '{line}'");
        return clock.Elapsed;
    }

    /// <summary>
    /// Whether the output ends with a redraw of <paramref name="line"/>: erase to end of line after a line that fits one
    /// row, or erase to end of screen (after CR LF when the text filled the last row exactly) after a wrapped one.
    /// </summary>
    public static bool EndsWithLine(string output, string line) =>
        output.EndsWith(line + "\u001b[K", StringComparison.Ordinal) || output.EndsWith(line + "\u001b[J", StringComparison.Ordinal)
        || output.EndsWith(line + "\r\n\u001b[J", StringComparison.Ordinal);

    private async Task ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    lock (_received)
                    {
                        _received.Append(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length));
                    }
                    message.SetLength(0);
                    _arrived.Release();
                }
            }
        }
        catch (WebSocketException)
        {
            // The site went away; waits report it.
        }
        _arrived.Release();
    }

    private static string Escape(string s) => s.Replace("\u001b", "\\e").Replace("\r", "\\r").Replace("\n", "\\n");

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
            }
        }
        if (_receiving is not null)
        {
            await Task.WhenAny(_receiving, Task.Delay(TimeSpan.FromSeconds(5)));
        }
        _socket.Dispose();
    }
}
