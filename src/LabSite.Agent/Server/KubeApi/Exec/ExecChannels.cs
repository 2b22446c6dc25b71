using System.Net.WebSockets;
using System.Text.Json.Nodes;

namespace LabSite.Agent.Server.KubeApi.Exec;

/// <summary>
/// Kubernetes' remote command protocol over WebSocket (<c>v5.channel.k8s.io</c>, <c>v4.channel.k8s.io</c>): every binary
/// message starts with a channel byte. The server writes stdout (1), stderr (2) and, once, the result as a Status on the
/// error channel (3); the client writes stdin (0) and terminal sizes (4, JSON <c>{"Width":80,"Height":24}</c>). v5 adds
/// the close signal <c>[255, channel]</c>, with which kubectl says its stdin has ended.
/// </summary>
internal static class ExecChannels
{
    public const byte Stdin = 0;
    public const byte Stdout = 1;
    public const byte Stderr = 2;
    public const byte Error = 3;
    public const byte Resize = 4;
    public const byte Close = 255;

    public const string V5 = "v5.channel.k8s.io";
    public const string V4 = "v4.channel.k8s.io";

    /// <summary>The subprotocols served; v1-v3 (plain-text errors, no exit codes) and the base64 variants are not.</summary>
    public static IReadOnlyList<string> Protocols { get; } = [V5, V4];

    /// <summary>The first protocol the client offers that is served (the client's order, as kube-apiserver picks), else null.</summary>
    public static string? Negotiate(IEnumerable<string> offered) => offered.FirstOrDefault(p => Protocols.Contains(p, StringComparer.Ordinal));

    /// <summary>The result of a command that exited 0.</summary>
    public static JsonObject Success() => new() { ["metadata"] = new JsonObject(), ["status"] = "Success" };

    /// <summary>The result of a command that exited non-zero: kubectl reads the code from the ExitCode cause and exits with it.</summary>
    public static JsonObject NonZeroExit(int code, IReadOnlyList<string> command) => new()
    {
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = $"command terminated with non-zero exit code: error executing command [{string.Join(" ", command)}], exit code {code}",
        ["reason"] = "NonZeroExitCode",
        ["details"] = new JsonObject
        {
            ["causes"] = new JsonArray(new JsonObject { ["reason"] = "ExitCode", ["message"] = code.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
        },
    };

    /// <summary>A command that could not run, or a session the client broke: kubectl prints <c>error: MESSAGE</c>.</summary>
    public static JsonObject Failure(string message, string reason = "InternalError", int code = 500) => new()
    {
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["code"] = code,
    };
}

/// <summary>
/// Sends channel messages on one WebSocket; stdout, stderr and the result come from different tasks, so sends take
/// turns. A send after the socket went away fails with <see cref="WebSocketException"/> or is cancelled.
/// </summary>
internal sealed class ExecChannelSender(WebSocket socket) : IDisposable
{
    /// <summary>Largest message written: big outputs go in pieces, as the kubelet writes them.</summary>
    private const int MaxChunk = 32 * 1024;
    private readonly SemaphoreSlim _turn = new(1, 1);

    public async Task SendAsync(byte channel, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        await _turn.WaitAsync(ct);
        try
        {
            var message = new byte[1 + Math.Min(data.Length, MaxChunk)];
            message[0] = channel;
            do
            {
                var piece = data[..Math.Min(data.Length, MaxChunk)];
                piece.CopyTo(message.AsMemory(1));
                await socket.SendAsync(message.AsMemory(0, 1 + piece.Length), WebSocketMessageType.Binary, true, ct);
                data = data[piece.Length..];
            }
            while (data.Length > 0);
        }
        finally
        {
            _turn.Release();
        }
    }

    public void Dispose() => _turn.Dispose();
}

/// <summary>A write-only stream whose writes become messages on one channel (what a pod's program prints).</summary>
internal sealed class ExecChannelStream(ExecChannelSender sender, byte channel, CancellationToken ct) : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length > 0)
        {
            await sender.SendAsync(channel, buffer, ct);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Backends should write asynchronously; a synchronous write still works, blocking its caller.
    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, ct).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
