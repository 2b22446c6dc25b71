using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Testing;

namespace LabSite.Agent.Tests;

/// <summary>
/// <c>kubectl exec</c> (the real kubectl 1.34, WebSocket <c>v5.channel.k8s.io</c>) against a lab's Kubernetes API on a
/// real netns lab: exit codes, stdout and stderr apart, piped stdin, a terminal with resizes, and the errors. Raw
/// WebSockets check what kubectl never sends: v4, broken queries, junk on the resize channel, a client that vanishes.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class KubeExecPrivilegedTests(KubeApiNetnsLab lab) : IClassFixture<KubeApiNetnsLab>
{
    [Fact]
    public async Task Exit_codes_pass_through_with_kubectls_message()
    {
        var failed = await lab.KubectlAsync("exec", "tiefighter", "--", "sh", "-c", "echo out; echo err >&2; exit 3");
        var fine = await lab.KubectlAsync("exec", "tiefighter", "--", "true");

        Assert.Equal(3, failed.ExitCode);
        Assert.Equal("out\n", failed.Stdout);
        Assert.Equal("err\ncommand terminated with exit code 3\n", failed.Stderr);
        Assert.True(fine.ExitCode == 0, fine.Stderr);
        Assert.Equal("", fine.Stdout + fine.Stderr);
    }

    [Fact]
    public async Task Piped_stdin_reaches_the_program_and_its_end_ends_it()
    {
        var run = await lab.KubectlWithInputAsync("hi\n"u8.ToArray(), "exec", "-i", "tiefighter", "--", "cat");
        var counted = await lab.KubectlWithInputAsync(new byte[200_000], "exec", "-i", "deploy/deathstar", "--", "wc", "-c");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("hi\n", run.Stdout);
        Assert.True(counted.ExitCode == 0, counted.Stderr);
        Assert.Equal("200000", counted.Stdout.Trim());
    }

    [Fact]
    public async Task Stdin_over_the_limit_is_cut_with_a_note()
    {
        var run = await lab.KubectlWithInputAsync(new byte[ExecLimits.MaxStdinBytes + 100_000], "exec", "-i", "tiefighter", "--", "wc", "-c");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(ExecLimits.MaxStdinBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), run.Stdout.Trim());
        Assert.Contains("stdin exceeded 1 MiB", run.Stderr);
    }

    [Fact]
    public async Task Unknown_pods_containers_and_programs_are_errors_naming_them()
    {
        var pod = await lab.KubectlAsync("exec", "nosuchpod", "--", "true");
        var container = await lab.KubectlAsync("exec", "tiefighter", "-c", "nope", "--", "true");
        var program = await lab.KubectlAsync("exec", "tiefighter", "--", "python3", "-V");

        Assert.Equal(1, pod.ExitCode);
        Assert.Equal("Error from server (NotFound): pods \"nosuchpod\" not found\n", pod.Stderr);
        Assert.Equal(1, container.ExitCode);
        Assert.Contains("container nope is not valid for pod tiefighter", container.Stderr);
        Assert.Equal(1, program.ExitCode);
        Assert.Contains("error: exec: \"python3\": executable not available in this lab sandbox", program.Stderr);
    }

    [Fact]
    public async Task A_terminal_session_follows_kubectls_window_and_exits_with_the_shells_code()
    {
        await using var terminal = KubectlOnTerminal.Start(new TerminalSize(40, 20), "--kubeconfig", lab.Kubeconfig, "exec", "-it", "tiefighter", "--", "sh");

        await terminal.TypeAsync("ls -C /usr/bin; echo DONE$((1+1))\r");
        await terminal.WaitForAsync("DONE2\r\n");
        var narrow = Listing(terminal.Screen, "DONE2");
        terminal.Resize(new TerminalSize(200, 20));
        // kubectl sends the resize on its own after SIGWINCH: the shell waits until its terminal has the new size.
        await terminal.TypeAsync("while [ \"$(stty size)\" != \"20 200\" ]; do sleep 0.1; done; ls -C /usr/bin; echo DONE$((1+2))\r");
        await terminal.WaitForAsync("DONE3\r\n");
        var wide = Listing(terminal.Screen[terminal.Screen.IndexOf("DONE2\r\n", StringComparison.Ordinal)..], "DONE3");
        await terminal.TypeAsync("exit 5\r");

        Assert.Equal(5, await terminal.ExitCodeAsync());
        Assert.All(narrow, l => Assert.True(l.Length <= 40, $"a line wider than the 40-column window: \"{l}\""));
        Assert.True(narrow.Count > 2, terminal.Screen);
        Assert.Contains(wide, l => l.Length > 40);
        Assert.True(wide.Count < narrow.Count, terminal.Screen);
    }

    /// <summary>The lines <c>ls -C</c> printed before the marker, without the echoed command line.</summary>
    private static List<string> Listing(string screen, string marker)
    {
        var end = screen.IndexOf(marker + "\r\n", StringComparison.Ordinal);
        var lines = screen[..end].Split("\r\n").ToList();
        var command = lines.FindLastIndex(l => l.Contains("ls -C /usr/bin", StringComparison.Ordinal));
        return lines[(command + 1)..].Where(l => l.Length > 0).ToList();
    }

    [Fact]
    public async Task A_terminal_program_starts_at_the_clients_size_even_when_typing_came_first()
    {
        // kubectl writes stdin and the first size concurrently; here the size comes well after the typing.
        using var socket = await ConnectAsync("command=sh&stdin=true&stdout=true&tty=true", ExecV5);
        await socket.SendAsync(Encoding.UTF8.GetBytes("\0stty size; exit 4\r"), WebSocketMessageType.Binary, true, default);
        await Task.Delay(300);
        await socket.SendAsync(Encoding.UTF8.GetBytes("\u0004{\"Width\":44,\"Height\":11}"), WebSocketMessageType.Binary, true, default);
        var (channels, status) = await ReadToEndAsync(socket);

        Assert.EndsWith("$ 11 44\r\n", channels[1]);
        Assert.Equal("4", (string?)status["details"]!["causes"]![0]!["message"]);
    }

    [Fact]
    public async Task The_v4_protocol_carries_output_and_the_exit_code()
    {
        using var socket = await ConnectAsync("command=sh&command=-c&command=echo%20hello%3B%20exit%207&stdout=true&stderr=true", ExecV4);
        var (channels, status) = await ReadToEndAsync(socket);

        Assert.Equal(ExecV4, socket.SubProtocol);
        Assert.Equal("hello\n", channels[1]);
        Assert.Equal("Failure", (string?)status["status"]);
        Assert.Equal("NonZeroExitCode", (string?)status["reason"]);
        Assert.Equal("7", (string?)status["details"]!["causes"]![0]!["message"]);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
    }

    [Theory]
    [InlineData("stdout=true", "you must specify at least 1 command")]
    [InlineData("command=true", "you must specify at least 1 of stdin, stdout, stderr")]
    [InlineData("command=true&stdout=banana", "stdout: Invalid value: \"banana\": must be true or false")]
    [InlineData("command=true&stdout=true&stdout=false", "stdout: Invalid value: \"true,false\": given more than once")]
    [InlineData("command=true&stdout=true&container=nope", "container nope is not valid for pod tiefighter")]
    public async Task Malformed_queries_are_refused_before_the_upgrade(string query, string message)
    {
        var e = await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync(query, ExecV5));
        var (code, status) = await PlainAsync(HttpMethod.Get, query);

        Assert.Contains("400", e.Message);
        Assert.Equal(400, code);
        Assert.Equal("BadRequest", (string?)status["reason"]);
        Assert.Equal(message, (string?)status["message"]);
    }

    [Fact]
    public async Task Spdy_unknown_protocols_and_other_methods_get_clear_statuses()
    {
        var (spdy, spdyStatus) = await PlainAsync(HttpMethod.Post, "command=true&stdout=true", upgrade: "SPDY/3.1");
        var (put, _) = await PlainAsync(HttpMethod.Put, "command=true&stdout=true");
        var e = await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync("command=true&stdout=true", "v3.channel.k8s.io"));

        Assert.Equal(400, spdy);
        Assert.Contains("WebSocket only (v5.channel.k8s.io, v4.channel.k8s.io), not SPDY", (string?)spdyStatus["message"]);
        Assert.Equal(405, put);
        Assert.Contains("400", e.Message);
    }

    [Fact]
    public async Task Junk_on_the_resize_channel_stops_the_session_with_a_status_saying_why()
    {
        using var socket = await ConnectAsync("command=sh&stdin=true&stdout=true&tty=true", ExecV5);
        await socket.SendAsync(new byte[] { 4, (byte)'{', (byte)'x' }, WebSocketMessageType.Binary, true, default);
        var (_, status) = await ReadToEndAsync(socket);

        Assert.Equal("BadRequest", (string?)status["reason"]);
        Assert.StartsWith("exec: resize: expected a terminal size such as {\"Width\":80,\"Height\":24}, got \"{x\"", (string?)status["message"]);
    }

    [Fact]
    public async Task A_client_that_goes_away_mid_exec_leaves_no_process_behind()
    {
        var socket = await ConnectAsync("command=sleep&command=4242&stdout=true&stderr=true", ExecV5);
        await WaitAsync(() => SleepersCount() == 1, "the exec's sleep 4242 to start");

        socket.Abort();
        socket.Dispose();

        await WaitAsync(() => SleepersCount() == 0, "the exec's sleep 4242 to be stopped");
        var after = await lab.KubectlAsync("exec", "tiefighter", "--", "echo", "still here");
        Assert.Equal("still here\n", after.Stdout);
    }

    private const string ExecV5 = "v5.channel.k8s.io";
    private const string ExecV4 = "v4.channel.k8s.io";

    private static int SleepersCount() => HostProcesses.Running("sleep", "4242").Count();

    private static async Task WaitAsync(Func<bool> done, string what)
    {
        for (var i = 0; i < 300 && !done(); i++)
        {
            await Task.Delay(100);
        }
        Assert.True(done(), $"timed out waiting for {what}");
    }

    private Uri ExecUri(string query, string scheme) =>
        new($"{lab.Access.Server.Replace("https://", scheme + "://", StringComparison.Ordinal)}/api/v1/namespaces/default/pods/tiefighter/exec?{query}");

    private async Task<ClientWebSocket> ConnectAsync(string query, string protocol)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(protocol);
        socket.Options.SetRequestHeader("Authorization", $"Bearer {lab.Access.Token}");
        socket.Options.RemoteCertificateValidationCallback = (_, _, _, _) => true; // the lab's self-signed certificate
        await socket.ConnectAsync(ExecUri(query, "wss"), default);
        return socket;
    }

    private async Task<(int Code, JsonNode Status)> PlainAsync(HttpMethod method, string query, string? upgrade = null)
    {
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        using var http = new HttpClient(handler);
        using var request = new HttpRequestMessage(method, ExecUri(query, "https"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", lab.Access.Token);
        if (upgrade is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Stream-Protocol-Version", "v4.channel.k8s.io");
            request.Headers.Upgrade.Add(new ProductHeaderValue(upgrade.Split('/')[0], upgrade.Split('/')[1]));
            request.Headers.Connection.Add("Upgrade");
        }
        using var response = await http.SendAsync(request);
        return ((int)response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    /// <summary>Every channel's text until the server closes, and the Status from the error channel.</summary>
    private static async Task<(Dictionary<int, string> Channels, JsonNode Status)> ReadToEndAsync(ClientWebSocket socket)
    {
        var channels = new Dictionary<int, StringBuilder>();
        var buffer = new byte[64 * 1024];
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, limit.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", default);
                break;
            }
            message.Write(buffer, 0, result.Count);
            if (!result.EndOfMessage)
            {
                continue;
            }
            var bytes = message.ToArray();
            message.SetLength(0);
            if (bytes.Length > 0)
            {
                (channels.TryGetValue(bytes[0], out var text) ? text : channels[bytes[0]] = new StringBuilder()).Append(Encoding.UTF8.GetString(bytes, 1, bytes.Length - 1));
            }
        }
        var all = channels.ToDictionary(c => c.Key, c => c.Value.ToString());
        return (all, JsonNode.Parse(all[3])!);
    }
}
