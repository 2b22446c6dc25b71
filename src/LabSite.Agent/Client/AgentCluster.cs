using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Agent.Client;

/// <summary>
/// A cluster the agent runs, seen through its API (see <see cref="AgentProtocol"/>). Its inspection side
/// (flows, endpoints, maps, policy, status) is in <c>AgentCluster.Inspector.cs</c>.
/// </summary>
internal sealed partial class AgentCluster(AgentClient client, string name, string backend) : ILabCluster, IKubectlRunner
{
    public string Name { get; } = name;

    public string Backend { get; } = backend;

    private string Route(string template, params string[] values) => AgentRoutes.Url(template, [Name, .. values]);

    private AgentClient Client => client;

    public async Task<ApplyResult> ApplyAsync(ManifestText manifests, ApplyMode mode, CancellationToken ct)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, Route(AgentRoutes.Manifests) + $"?mode={mode.ToString().ToLowerInvariant()}")
        {
            Content = JsonContent.Create(new ManifestBody(manifests.Text, manifests.Source), options: AgentProtocol.Json),
        };
        return await AgentClient.ReadAsync<ApplyResult>(await client.SendAsync(message, ct), ct);
    }

    public async Task<IReadOnlyList<KubeObject>> GetAsync(ObjectQuery query, CancellationToken ct)
    {
        var parameters = new List<string>();
        void Add(string key, string? value)
        {
            if (value is not null)
            {
                parameters.Add($"{key}={Uri.EscapeDataString(value)}");
            }
        }
        Add("namespace", query.Namespace);
        Add("selector", query.LabelSelector);
        Add("name", query.Name);
        var url = Route(AgentRoutes.Objects, query.Kind) + (parameters.Count > 0 ? "?" + string.Join("&", parameters) : "");
        try
        {
            var list = await AgentClient.ReadAsync<JsonObject>(await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, url), ct), ct);
            return KubeList.Items(list);
        }
        catch (ArgumentException e)
        {
            throw new ClusterException(e.Message, e); // the contract's error for a refused query, as in-process
        }
    }

    public async Task<int> ExecAsync(ExecRequest request, ExecStreams streams, CancellationToken ct)
    {
        if (request.Tty)
        {
            return await ExecSessionAsync(request, streams, ct);
        }
        var stdin = streams.StandardInput is { } input ? Convert.ToBase64String(await ReadStdinAsync(input, request.Pod, ct)) : null;
        var body = new ExecBody(request.Namespace, request.Pod, request.Command, request.Timeout?.TotalSeconds, request.Container, stdin);
        var message = new HttpRequestMessage(HttpMethod.Post, Route(AgentRoutes.Exec)) { Content = JsonContent.Create(body, options: AgentProtocol.Json) };
        using var response = await client.SendAsync(message, ct, HttpCompletionOption.ResponseHeadersRead);
        await AgentClient.ThrowOnErrorAsync(response, ct);
        await foreach (var frame in NdjsonReader.ReadAsync<ExecFrame>(response, ct))
        {
            if (await ApplyAsync(frame, streams, ct) is { } exit)
            {
                return exit;
            }
        }
        throw new ClusterException($"exec in {request.Namespace}/{request.Pod}: the agent closed the stream without an exit code (see the agent's log)");
    }

    /// <summary>Writes an output frame; the exit code of an exit frame; throws for an error frame.</summary>
    private static async Task<int?> ApplyAsync(ExecFrame frame, ExecStreams streams, CancellationToken ct)
    {
        if (frame.Data is { } data)
        {
            var target = frame.Stream == "stderr" ? streams.StandardError : streams.StandardOutput;
            await target.WriteAsync(Convert.FromBase64String(data), ct);
            await target.FlushAsync(ct);
            return null;
        }
        if (frame.Error is { } error)
        {
            throw new ClusterException(error);
        }
        return frame.Exit;
    }

    /// <summary>Piped stdin, read whole (it travels in the request); more than the cap is refused before anything runs.</summary>
    private static async Task<byte[]> ReadStdinAsync(Stream input, string pod, CancellationToken ct)
    {
        var bytes = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while ((n = await input.ReadAsync(buffer, ct)) > 0)
        {
            bytes.Write(buffer, 0, n);
            if (bytes.Length > ExecLimits.MaxStdinBytes)
            {
                throw new ClusterException(ExecLimits.StdinTooLarge(pod));
            }
        }
        return bytes.ToArray();
    }

    public async Task<string> LogsAsync(string @namespace, string pod, int? tailLines, CancellationToken ct)
    {
        var url = Route(AgentRoutes.Logs, @namespace, pod) + (tailLines is { } n ? $"?tail={n}" : "");
        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, url), ct);
        await AgentClient.ThrowOnErrorAsync(response, ct);
        return await response.Content.ReadAsStringAsync(ct);
    }

    /// <summary>
    /// A TTY exec over the agent's exec session WebSocket: typed bytes and resizes go up as they happen, output frames
    /// come down; cancelling closes the socket, which ends the program on the agent's side.
    /// </summary>
    private async Task<int> ExecSessionAsync(ExecRequest request, ExecStreams streams, CancellationToken ct)
    {
        var size = streams.Terminal?.Size ?? new TerminalSize(80, 24);
        using var socket = await client.ConnectWebSocketAsync(Route(AgentRoutes.ExecSession), ct);
        using var sendLock = new SemaphoreSlim(1, 1);
        async Task SendAsync<T>(T message, CancellationToken token)
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(message, AgentProtocol.Json);
            await sendLock.WaitAsync(token);
            try
            {
                await socket.SendAsync(bytes, WebSocketMessageType.Text, true, token);
            }
            finally
            {
                sendLock.Release();
            }
        }

        await SendAsync(new ExecBody(request.Namespace, request.Pod, request.Command, request.Timeout?.TotalSeconds, request.Container,
            Tty: true, Columns: size.Columns, Rows: size.Rows), ct);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var typing = Task.Run(async () =>
        {
            if (streams.StandardInput is not { } input)
            {
                return;
            }
            var buffer = new byte[16 * 1024];
            int n;
            while ((n = await input.ReadAsync(buffer, done.Token)) > 0)
            {
                await SendAsync(new ExecInput(Data: Convert.ToBase64String(buffer, 0, n)), done.Token);
            }
            await SendAsync(new ExecInput(Eof: true), done.Token);
        }, done.Token);
        var resizing = Task.Run(async () =>
        {
            if (streams.Terminal is { } window)
            {
                await foreach (var resized in window.Resizes.ReadAllAsync(done.Token))
                {
                    await SendAsync(new ExecInput(Columns: resized.Columns, Rows: resized.Rows), done.Token);
                }
            }
        }, done.Token);
        try
        {
            var buffer = new byte[64 * 1024];
            var message = new MemoryStream();
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, ct);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }
                var frame = JsonSerializer.Deserialize<ExecFrame>(message.ToArray(), AgentProtocol.Json);
                message.SetLength(0);
                if (frame is not null && await ApplyAsync(frame, streams, ct) is { } exit)
                {
                    return exit;
                }
            }
        }
        finally
        {
            await done.CancelAsync();
            await Task.WhenAll(typing, resizing).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        throw new ClusterException($"exec in {request.Namespace}/{request.Pod}: the agent closed the session without an exit code (see the agent's log)");
    }
}
