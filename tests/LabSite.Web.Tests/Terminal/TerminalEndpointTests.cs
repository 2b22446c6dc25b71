using System.Net;
using System.Net.WebSockets;
using System.Text;
using LabSite.Web.Learners;
using LabSite.Web.Terminal;
using LabSite.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace LabSite.Web.Tests.Terminal;

/// <summary>The terminal WebSocket on the real site pipeline (TestServer): typing, replay on reconnect, origin check, limits.</summary>
public sealed class TerminalEndpointTests : IAsyncLifetime
{
    private TestSite _site = null!;
    private string _files = null!;

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

    private static Uri Endpoint(string lab = "policy-basics", int? tab = null) => new($"ws://localhost/labs/{lab}/terminal" + (tab is null ? "" : $"?tab={tab}"));

    private async Task<WebSocket> ConnectAsync(string cookie, string? origin = "http://localhost", int? tab = null)
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
        return await client.ConnectAsync(Endpoint(tab: tab), CancellationToken.None);
    }

    private static Task SendAsync(WebSocket socket, string json) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Reads frames until the text so far contains <paramref name="expected"/> (bounded by a timeout, not asserted on).</summary>
    private static async Task<string> ReadUntilAsync(WebSocket socket, string expected)
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

    private const string Learner = "0123456789abcdef0123456789abcdef";

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

    [Fact]
    public async Task Tabs_are_separate_shells_on_one_lab_folder_and_one_history()
    {
        using var first = await ConnectAsync(Learner, tab: 1);
        await ReadUntilAsync(first, "$ ");
        await SendAsync(first, """{"type":"input","data":"echo from-one > shared.txt\r"}""");
        await SendAsync(first, """{"type":"input","data":"echo first-done\r"}""");
        await ReadUntilAsync(first, "first-done\r\n");

        using var second = await ConnectAsync(Learner, tab: 2);
        var greeting = await ReadUntilAsync(second, "$ ");
        Assert.DoesNotContain("first-done", greeting);
        await SendAsync(second, """{"type":"input","data":"cat shared.txt\r"}""");
        Assert.Contains("\r\nfrom-one\r\n", await ReadUntilAsync(second, "from-one\r\n"));

        // Each tab appends to the lab's one history file; a tab opened later starts with every line.
        using var third = await ConnectAsync(Learner, tab: 4);
        await ReadUntilAsync(third, "$ ");
        await SendAsync(third, """{"type":"input","data":"history\r"}""");
        var history = await ReadUntilAsync(third, "cat shared.txt");
        Assert.Contains("1  echo from-one > shared.txt", history);
        Assert.Contains("3  cat shared.txt", history);

        var sessions = _site.Services.GetRequiredService<TerminalSessions>();
        var learner = sessions.OpenTabs(new LearnerId(Guid.Parse(Learner)), "policy-basics");
        Assert.Equal([1, 2, 4], learner.Select(t => t.Number));
        var page = await PlayerPageAsync();
        Assert.Equal("1,2,4", page.QuerySelector("#terminal-panel")!.GetAttribute("data-open-tabs"));
    }

    [Fact]
    public async Task Closing_a_tab_ends_its_shell_and_closes_its_socket()
    {
        using var second = await ConnectAsync(Learner, tab: 2);
        await ReadUntilAsync(second, "$ ");
        var (browser, token) = await LearnerBrowserAsync();

        var closed = await browser.HtmxPostAsync("/labs/policy-basics/terminal/close?tab=2", token);
        Assert.Equal(HttpStatusCode.NoContent, closed.StatusCode);
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        WebSocketReceiveResult result;
        do
        {
            result = await second.ReceiveAsync(buffer, timeout.Token);
        }
        while (result.MessageType != WebSocketMessageType.Close);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, result.CloseStatus);
        Assert.Empty(_site.Services.GetRequiredService<TerminalSessions>().OpenTabs(new LearnerId(Guid.Parse(Learner)), "policy-basics"));

        Assert.Equal(HttpStatusCode.NotFound, (await browser.HtmxPostAsync("/labs/policy-basics/terminal/close?tab=2", token)).StatusCode);
        var tooMany = await browser.HtmxPostAsync("/labs/policy-basics/terminal/close?tab=5", token);
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Contains("tab must be a number from 1 to 4 (a lab has at most 4 terminals)", await tooMany.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.HtmxPostAsync("/labs/policy-basics/terminal/close?tab=2", null)).StatusCode);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("0")]
    [InlineData("x")]
    [InlineData("-1")]
    public async Task A_tab_beyond_the_cap_is_refused(string tab)
    {
        var client = _site.NewWebSocketClient();
        client.ConfigureRequest = request => request.Headers.Cookie = $"labsite-learner={Learner}";
        var error = await Assert.ThrowsAnyAsync<Exception>(() => client.ConnectAsync(new Uri($"ws://localhost/labs/policy-basics/terminal?tab={tab}"), CancellationToken.None));
        Assert.Contains("400", error.Message);
        Assert.False(TerminalTab.TryParse(tab, out _, out var message));
        Assert.StartsWith("tab must be a number from 1 to 4", message);
    }

    /// <summary>A browser carrying the same learner cookie as the sockets, with the page's antiforgery token.</summary>
    private async Task<(TestSite.Browser Browser, string Token)> LearnerBrowserAsync()
    {
        var browser = _site.NewBrowser();
        browser.Http.DefaultRequestHeaders.Add("Cookie", $"labsite-learner={Learner}");
        var page = await browser.GetPageAsync("/labs/policy-basics/steps/deploy");
        return (browser, TestSite.Browser.AntiforgeryToken(page));
    }

    private async Task<AngleSharp.Dom.IDocument> PlayerPageAsync() => await (await LearnerBrowserAsync()).Browser.GetPageAsync("/labs/policy-basics/steps/deploy");
}
