using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.Versioning;
using System.Text;
using LabSite.Agent.Client;
using LabSite.Clusters.Contract;
using LabSite.Testing;

namespace LabSite.Agent.Tests;

/// <summary>Exec with stdin (in the POST body) and interactive exec (the session WebSocket) through the real agent API.</summary>
[SupportedOSPlatform("linux")]
public sealed class AgentExecSessionTests(AgentFixture agent) : IClassFixture<AgentFixture>
{
    private async Task<ILabCluster> ClusterAsync(AgentClient client, string name)
    {
        var cluster = await client.CreateAsync(new ClusterRequest(name), null, default);
        await cluster.ApplyAsync(new ManifestText(File.ReadAllText(RepositoryPaths.StarWarsManifest("http-sw-app.yaml")), "sw"), ApplyMode.Apply, default);
        return cluster;
    }

    [Fact]
    public async Task Piped_stdin_reaches_the_program()
    {
        using var client = new AgentClient(agent.SocketPath);
        var cluster = await ClusterAsync(client, "stdin-pass");
        using var stdout = new MemoryStream();
        using var stdin = new MemoryStream("hello\n"u8.ToArray());

        var code = await cluster.ExecAsync(new ExecRequest("default", "xwing", ["cat"]), new ExecStreams(stdout, Stream.Null, stdin), default);

        Assert.Equal(0, code);
        Assert.Equal("hello\n", Encoding.UTF8.GetString(stdout.ToArray()));
    }

    [Fact]
    public async Task Stdin_over_the_cap_is_refused_before_anything_runs_by_client_and_agent()
    {
        using var client = new AgentClient(agent.SocketPath);
        var cluster = await ClusterAsync(client, "stdin-cap");
        using var stdin = new MemoryStream(new byte[ExecLimits.MaxStdinBytes + 1]);

        var e = await Assert.ThrowsAsync<ClusterException>(() =>
            cluster.ExecAsync(new ExecRequest("default", "xwing", ["cat"]), new ExecStreams(Stream.Null, Stream.Null, stdin), default));
        Assert.Equal("exec in xwing: stdin is larger than 1 MiB, the most a lab exec passes to a program; nothing was run", e.Message);

        // A client that skips the check meets the agent's.
        using var http = AgentClient.CreateHttpClient(agent.SocketPath);
        var body = new ExecBody("default", "xwing", ["cat"], Stdin: Convert.ToBase64String(new byte[ExecLimits.MaxStdinBytes + 100]));
        using var response = await http.PostAsJsonAsync(AgentRoutes.Url(AgentRoutes.Exec, "stdin-cap"), body, AgentProtocol.Json);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("stdin is larger than 1 MiB", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_tty_session_streams_keys_resizes_and_output_both_ways_and_ends_with_the_exit_code()
    {
        using var client = new AgentClient(agent.SocketPath);
        var cluster = await ClusterAsync(client, "tty-session");
        var keys = new Pipe();
        var screen = new RecordingStream();
        var window = new ExecTerminal(new TerminalSize(100, 30));

        var session = cluster.ExecAsync(new ExecRequest("default", "xwing", ["tty"], Tty: true), new ExecStreams(screen, Stream.Null, keys.Reader.AsStream(), window), default);
        await screen.WaitForAsync("size 100x30\r\n");
        await keys.Writer.WriteAsync("hello there\n"u8.ToArray());
        await screen.WaitForAsync("hello there\r\n");
        window.Resize(new TerminalSize(132, 43));
        await screen.WaitForAsync("size 132x43\r\n");
        await keys.Writer.WriteAsync("exit 3\n"u8.ToArray());

        Assert.Equal(3, await session.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task A_tty_session_for_a_missing_pod_fails_with_the_backends_message()
    {
        using var client = new AgentClient(agent.SocketPath);
        var cluster = await ClusterAsync(client, "tty-missing");

        var e = await Assert.ThrowsAsync<ClusterException>(() =>
            cluster.ExecAsync(new ExecRequest("default", "ghost", ["tty"], Tty: true), new ExecStreams(Stream.Null, Stream.Null, Stream.Null, new ExecTerminal(new TerminalSize(80, 24))), default));
        Assert.Equal("pods \"ghost\" not found", e.Message);
    }

    [Fact]
    public async Task The_session_route_refuses_a_plain_request_and_post_refuses_a_tty()
    {
        using var http = AgentClient.CreateHttpClient(agent.SocketPath);
        using var client = new AgentClient(agent.SocketPath);
        await ClusterAsync(client, "tty-plain");

        using var plain = await http.GetAsync(AgentRoutes.Url(AgentRoutes.ExecSession, "tty-plain"));
        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
        Assert.Contains("an exec session is a WebSocket", await plain.Content.ReadAsStringAsync());
        using var post = await http.PostAsJsonAsync(AgentRoutes.Url(AgentRoutes.Exec, "tty-plain"), new ExecBody("default", "xwing", ["sh"], Tty: true), AgentProtocol.Json);
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
    }
}
