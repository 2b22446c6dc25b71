namespace LabSite.LabHost.Tests.Terminal;

using System.Net;
using System.Net.WebSockets;
using System.Text;
using Xunit;

using LabSite.LabHost.Tests.Support;

/// <summary>The terminal WebSocket on the real site pipeline (TestServer): typing, replay on reconnect, origin check, limits.</summary>
public sealed class TerminalEndpointTests : IAsyncLifetime
{
    TestSite _site = null!;
    string _files = null!;

    public async Task InitializeAsync()
    {
        _files = Directory.CreateTempSubdirectory("labsite-term-files-").FullName;
        File.WriteAllText(Path.Combine(_files, "app.yaml"), "kind: Pod\n");
        var lab = TestLabs.Policy() with { Files = [new("app.yaml", Path.Combine(_files, "app.yaml"))] };
        _site = await TestSite.StartAsync(new("/content/labs", [lab], []));
    }

    public async Task DisposeAsync()
    {
        await _site.DisposeAsync();
        Directory.Delete(_files, recursive: true);
    }

    static Uri Endpoint(string lab = "policy-basics") => new($"ws://localhost/labs/{lab}/terminal");

    async Task<WebSocket> ConnectAsync(string cookie, string? origin = "http://localhost")
    {
        var client = _site.NewWebSocketClient();
        client.ConfigureRequest = request =>
        {
            request.Headers.Cookie = $"labsite-learner={cookie}";
            if (origin is not null)
            {
                request.Headers.Origin = origin;
            }
        };
        return await client.ConnectAsync(Endpoint(), CancellationToken.None);
    }

    static Task SendAsync(WebSocket socket, string json) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Reads frames until the text so far contains <paramref name="expected"/> (bounded by a timeout, not asserted on).</summary>
    static async Task<string> ReadUntilAsync(WebSocket socket, string expected)
    {
        var text = new StringBuilder();
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!text.ToString().Contains(expected))
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                break;
            }
            text.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
        }
        return text.ToString();
    }

    const string Learner = "0123456789abcdef0123456789abcdef";

    [Fact]
    public async Task Typing_runs_commands_in_a_lab_folder_seeded_with_the_lab_files()
    {
        using var socket = await ConnectAsync(Learner);
        Assert.Contains("lab\u001b[0m$ ", await ReadUntilAsync(socket, "$ "));
        await SendAsync(socket, """{"type":"resize","cols":120,"rows":40}""");
        await SendAsync(socket, """{"type":"input","data":"cat app.yaml\r"}""");
        Assert.Contains("\r\nkind: Pod\r\n", await ReadUntilAsync(socket, "kind: Pod"));
        await SendAsync(socket, """{"type":"input","data":"kubectl get pods\r"}""");
        Assert.Contains("error: this lab has no cluster running yet", await ReadUntilAsync(socket, "no cluster"));
    }

    [Fact]
    public async Task Reconnecting_gets_the_same_session_and_the_recent_screen()
    {
        using (var first = await ConnectAsync(Learner))
        {
            await ReadUntilAsync(first, "$ ");
            await SendAsync(first, """{"type":"input","data":"echo remembered\r"}""");
            await ReadUntilAsync(first, "remembered\r\n");
            await first.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        }
        using var second = await ConnectAsync(Learner);
        var replay = await ReadUntilAsync(second, "remembered\r\n");
        Assert.StartsWith("\u001bc", replay);
        await SendAsync(second, """{"type":"input","data":"history\r"}""");
        Assert.Contains("    1  echo remembered", await ReadUntilAsync(second, "1  echo remembered"));
    }

    [Fact]
    public async Task Exit_ends_the_session_and_closes_the_socket_normally()
    {
        using var socket = await ConnectAsync(Learner);
        await ReadUntilAsync(socket, "$ ");
        await SendAsync(socket, """{"type":"input","data":"exit\r"}""");
        Assert.Contains("[session ended]", await ReadUntilAsync(socket, "[session ended]"));
        var buffer = new byte[1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var result = await socket.ReceiveAsync(buffer, timeout.Token);
        Assert.Equal((WebSocketMessageType.Close, WebSocketCloseStatus.NormalClosure), (result.MessageType, result.CloseStatus));
    }

    [Fact]
    public async Task Malformed_messages_are_ignored()
    {
        using var socket = await ConnectAsync(Learner);
        await ReadUntilAsync(socket, "$ ");
        await SendAsync(socket, "not json");
        await SendAsync(socket, """{"type":"resize","cols":"x"}""");
        await SendAsync(socket, """{"type":"input","data":"echo alive\r"}""");
        Assert.Contains("alive\r\n", await ReadUntilAsync(socket, "alive\r\n"));
    }

    [Fact]
    public async Task Other_origins_and_plain_requests_are_refused()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(Learner, origin: "http://evil.example"));
        Assert.Contains("403", error.Message);
        var response = await _site.NewBrowser().Http.GetAsync("/labs/policy-basics/terminal");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
