using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.Json;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;

namespace LabSite.Agent.Client;

/// <summary>
/// The lab agent's API as an <see cref="IClusterBackend"/>: the CLI and a web app whose agent runs in another
/// process use the same contract as in-process code. HTTP over the agent's unix socket.
/// </summary>
public sealed class AgentClient : IClusterBackend, IDisposable
{
    private static readonly Uri s_baseAddress = new("http://labsite-agent/");
    private readonly HttpClient _http;
    private readonly Lazy<HttpMessageInvoker> _webSockets;

    public AgentClient(string socketPath = AgentProtocol.DefaultSocketPath)
    {
        SocketPath = socketPath;
        _http = CreateHttpClient(socketPath);
        _webSockets = new(() => new HttpMessageInvoker(CreateHandler(socketPath)));
    }

    public string SocketPath { get; }

    /// <summary>The agent serves whichever backends it hosts; each cluster reports its own.</summary>
    public string Name => "agent";

    /// <summary>An HttpClient whose every connection goes to <paramref name="socketPath"/>; the host name is a placeholder.</summary>
    public static HttpClient CreateHttpClient(string socketPath) =>
        // Exec and create stream for as long as they run; callers bound them with their own tokens.
        new(CreateHandler(socketPath)) { BaseAddress = s_baseAddress, Timeout = Timeout.InfiniteTimeSpan };

    private static SocketsHttpHandler CreateHandler(string socketPath) =>
        new()
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };

    /// <summary>A WebSocket to <paramref name="relativeUrl"/> on the agent (exec sessions), over the same unix socket.</summary>
    internal async Task<ClientWebSocket> ConnectWebSocketAsync(string relativeUrl, CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        try
        {
            await socket.ConnectAsync(new Uri("ws://labsite-agent/" + relativeUrl), _webSockets.Value, ct);
            return socket;
        }
        catch (WebSocketException e) when (e.InnerException is HttpRequestException { InnerException: SocketException se })
        {
            socket.Dispose();
            throw new AgentUnavailableException(SocketPath, se);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async Task<AgentVersion> VersionAsync(CancellationToken ct) =>
        await ReadAsync<AgentVersion>(await SendAsync(new HttpRequestMessage(HttpMethod.Get, AgentRoutes.Url(AgentRoutes.Version)), ct), ct);

    public Task<ILabCluster> CreateAsync(ClusterRequest request, IProgress<ClusterProgress>? progress, CancellationToken ct) =>
        CreateAsync(request, null, progress, ct);

    /// <summary>Creates on a named backend ("netns", "kind"); null = the agent's default.</summary>
    public async Task<ILabCluster> CreateAsync(ClusterRequest request, string? backend, IProgress<ClusterProgress>? progress, CancellationToken ct)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, AgentRoutes.Url(AgentRoutes.Clusters))
        {
            Content = JsonContent.Create(new CreateClusterBody(request.Name, request.LabId, request.ManifestsDirectory, backend, request.OutsideHosts, request.Nodes, request.Mesh), options: AgentProtocol.Json),
        };
        using var response = await SendAsync(message, ct, HttpCompletionOption.ResponseHeadersRead);
        await ThrowOnErrorAsync(response, ct);
        await foreach (var frame in NdjsonReader.ReadAsync<CreateFrame>(response, ct))
        {
            if (frame.Progress is { } p)
            {
                progress?.Report(p);
            }
            else if (frame.Done is { } done)
            {
                return new AgentCluster(this, done.Name, done.Backend);
            }
            else if (frame.Error is { } error)
            {
                throw new ClusterException(error);
            }
        }
        throw new ClusterException($"create {request.Name}: the agent closed the stream before the cluster was ready (see the agent's log)");
    }

    public async Task<ILabCluster?> FindAsync(string name, CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, AgentRoutes.Url(AgentRoutes.Cluster, name)), ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        var summary = await ReadAsync<ClusterSummary>(response, ct);
        return new AgentCluster(this, summary.Name, summary.Backend);
    }

    public async Task<IReadOnlyList<ClusterSummary>> ListAsync(CancellationToken ct) =>
        await ReadAsync<List<ClusterSummary>>(await SendAsync(new HttpRequestMessage(HttpMethod.Get, AgentRoutes.Url(AgentRoutes.Clusters)), ct), ct);

    public async Task DestroyAsync(string name, CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Delete, AgentRoutes.Url(AgentRoutes.Cluster, name)), ct);
        await ThrowOnErrorAsync(response, ct);
    }

    /// <summary>The last <paramref name="last"/> flows of a cluster (default 20), as Hubble records.</summary>
    public async Task<IReadOnlyList<FlowRecord>> GetFlowsAsync(string cluster, int? last, CancellationToken ct)
    {
        var url = AgentRoutes.Url(AgentRoutes.Flows, cluster) + (last is { } n ? $"?last={n}" : "");
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, url), ct);
        await ThrowOnErrorAsync(response, ct);
        return FlowJsonReader.ReadLines(await response.Content.ReadAsStringAsync(ct));
    }

    /// <summary>Where a cluster's Hubble Observer gRPC API answers; throws naming the cluster when it has none.</summary>
    public async Task<HubbleEndpoint> GetHubbleEndpointAsync(string cluster, CancellationToken ct) =>
        await ReadAsync<HubbleEndpoint>(await SendAsync(new HttpRequestMessage(HttpMethod.Get, AgentRoutes.Url(AgentRoutes.Hubble, cluster)), ct), ct);

    /// <summary>The URL and token of lab <paramref name="cluster"/>'s Kubernetes API (what a kubeconfig needs).</summary>
    public async Task<KubernetesAccess> KubernetesAccessAsync(string cluster, CancellationToken ct) =>
        await ReadAsync<KubernetesAccess>(await SendAsync(new HttpRequestMessage(HttpMethod.Get, AgentRoutes.Url(AgentRoutes.Kubernetes, cluster)), ct), ct);

    public async Task<GarbageReport> CollectGarbageAsync(CancellationToken ct) =>
        await ReadAsync<GarbageReport>(await SendAsync(new HttpRequestMessage(HttpMethod.Post, AgentRoutes.Url(AgentRoutes.Gc)), ct), ct);

    internal async Task<HttpResponseMessage> SendAsync(HttpRequestMessage message, CancellationToken ct,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        try
        {
            return await _http.SendAsync(message, completion, ct);
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException)
        {
            throw new AgentUnavailableException(SocketPath, e.InnerException);
        }
    }

    internal static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        using (response)
        {
            await ThrowOnErrorAsync(response, ct);
            return await response.Content.ReadFromJsonAsync<T>(AgentProtocol.Json, ct)
                ?? throw new ClusterException($"the agent answered {response.RequestMessage?.RequestUri?.AbsolutePath} with an empty body");
        }
    }

    /// <summary>Turns an error status into <see cref="ClusterException"/> carrying the agent's own message.</summary>
    internal static async Task ThrowOnErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var text = await response.Content.ReadAsStringAsync(ct);
        string message;
        try
        {
            message = JsonSerializer.Deserialize<ErrorBody>(text, AgentProtocol.Json)?.Error ?? text;
        }
        catch (JsonException)
        {
            message = $"{(int)response.StatusCode} {response.ReasonPhrase}: {text}";
        }
        throw response.StatusCode == HttpStatusCode.BadRequest ? new ArgumentException(message) : new ClusterException(message);
    }

    public void Dispose()
    {
        _http.Dispose();
        if (_webSockets.IsValueCreated)
        {
            _webSockets.Value.Dispose();
        }
    }
}
