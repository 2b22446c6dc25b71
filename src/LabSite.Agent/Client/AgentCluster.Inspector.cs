using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Clusters.Contract.Runtime;

namespace LabSite.Agent.Client;

/// <summary>
/// <see cref="IClusterInspector"/> over the agent API, so a shell, the grader or the CLI attached to a running agent
/// sees what the in-process cluster would show: the same flows (queries travel as Hubble's GetFlowsRequest), the same
/// models. A backend that cannot inspect answers 501, which surfaces as a <see cref="ClusterException"/> saying so.
/// </summary>
internal sealed partial class AgentCluster : IClusterInspector
{
    public async Task<IReadOnlyList<FlowRecord>> GetFlowsAsync(FlowQuery query, CancellationToken ct)
    {
        using var response = await Client.SendAsync(FlowsRequest(query, follow: false), ct);
        await AgentClient.ThrowOnErrorAsync(response, ct);
        return FlowJsonReader.ReadLines(await response.Content.ReadAsStringAsync(ct));
    }

    public async IAsyncEnumerable<FlowEvent> FollowFlowsAsync(FlowQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        using var response = await Client.SendAsync(FlowsRequest(query, follow: true), ct, HttpCompletionOption.ResponseHeadersRead);
        await AgentClient.ThrowOnErrorAsync(response, ct);
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var reader = new StreamReader(stream);
        // Ends when cancelled (the caller's Ctrl-C) or when the agent closes the stream (cluster destroyed).
        while (await ReadLineAsync(reader, ct) is { } line)
        {
            if (line.Length > 0)
            {
                yield return FlowJsonReader.ReadEvent(line);
            }
        }
    }

    /// <summary>A broken stream (the agent stopped or failed mid-follow) becomes a <see cref="ClusterException"/> saying so.</summary>
    private async Task<string?> ReadLineAsync(StreamReader reader, CancellationToken ct)
    {
        try
        {
            return await reader.ReadLineAsync(ct);
        }
        catch (IOException e) when (!ct.IsCancellationRequested)
        {
            throw new ClusterException($"following {Name}: the agent ended the stream ({e.Message}); see the agent's log");
        }
    }

    public Task<IReadOnlyList<EndpointModel>> GetEndpointsAsync(CancellationToken ct) => GetListAsync<EndpointModel>(AgentRoutes.Endpoints, ct);

    public Task<IReadOnlyList<IdentityModel>> GetIdentitiesAsync(CancellationToken ct) => GetListAsync<IdentityModel>(AgentRoutes.Identities, ct);

    public async Task<PolicyMapDump?> GetPolicyMapAsync(ushort endpointId, CancellationToken ct)
    {
        var response = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, Route(AgentRoutes.PolicyMap, endpointId.ToString(CultureInfo.InvariantCulture))), ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            // The cluster itself may be gone too: the agent's message says which ("endpoint N not found ..." or "cluster ...").
            var missing = await response.Content.ReadFromJsonAsync<ErrorBody>(AgentProtocol.Json, ct);
            response.Dispose();
            return missing?.Error.StartsWith("endpoint ", StringComparison.Ordinal) == true ? null : throw new ClusterException(missing?.Error ?? "not found");
        }
        return await AgentClient.ReadAsync<PolicyMapDump>(response, ct);
    }

    public Task<IReadOnlyList<ConntrackEntry>> GetConntrackAsync(CancellationToken ct) => GetListAsync<ConntrackEntry>(AgentRoutes.Conntrack, ct);

    public Task<IReadOnlyList<IpcacheEntry>> GetIpcacheAsync(CancellationToken ct) => GetListAsync<IpcacheEntry>(AgentRoutes.Ipcache, ct);

    public Task<IReadOnlyList<ServiceModel>> GetServicesAsync(CancellationToken ct) => GetListAsync<ServiceModel>(AgentRoutes.Services, ct);

    public Task<PolicyRepositoryModel?> GetPolicyRepositoryAsync(CancellationToken ct) => GetOptionalAsync<PolicyRepositoryModel>(AgentRoutes.Policy, ct);

    public Task<AgentStatusModel?> GetStatusAsync(CancellationToken ct) => GetOptionalAsync<AgentStatusModel>(AgentRoutes.Status, ct);

    public Task<IReadOnlyList<FqdnCacheEntry>?> GetFqdnCacheAsync(CancellationToken ct) => GetOptionalAsync<IReadOnlyList<FqdnCacheEntry>>(AgentRoutes.FqdnCache, ct);

    public Task<IReadOnlyList<BgpPeerModel>?> GetBgpPeersAsync(CancellationToken ct) => GetOptionalAsync<IReadOnlyList<BgpPeerModel>>(AgentRoutes.BgpPeers, ct);

    public Task<IReadOnlyList<BgpRouteModel>?> GetBgpRoutesAsync(bool advertised, CancellationToken ct) =>
        GetOptionalAsync<IReadOnlyList<BgpRouteModel>>(AgentRoutes.BgpRoutes, ct, advertised ? "advertised" : "available");

    public Task<RouterModel?> GetRouterAsync(CancellationToken ct) => GetOptionalAsync<RouterModel>(AgentRoutes.Router, ct);

    public Task<IReadOnlyList<AuthEntryModel>?> GetAuthEntriesAsync(CancellationToken ct) => GetOptionalAsync<IReadOnlyList<AuthEntryModel>>(AgentRoutes.AuthEntries, ct);

    public Task<IReadOnlyList<SpireEntryModel>?> GetSpireEntriesAsync(CancellationToken ct) => GetOptionalAsync<IReadOnlyList<SpireEntryModel>>(AgentRoutes.SpireEntries, ct);

    /// <summary>The entries changed as the agent relays them; null when the lab has no mutual authentication (501).</summary>
    public async Task<IReadOnlyList<SpireEntryModel>?> ChangeSpireEntriesAsync(SpireEntryChange change, CancellationToken ct)
    {
        var response = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, Route(AgentRoutes.SpireEntries))
        {
            Content = JsonContent.Create(change, options: AgentProtocol.Json),
        }, ct);
        if (response.StatusCode == HttpStatusCode.NotImplemented)
        {
            response.Dispose();
            return null;
        }
        return await AgentClient.ReadAsync<IReadOnlyList<SpireEntryModel>>(response, ct);
    }

    /// <summary>The router's answer as the agent relays it; null when the lab has no router (501).</summary>
    public async Task<RouterReply?> RunRouterCommandAsync(RouterCommand command, CancellationToken ct)
    {
        var response = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, Route(AgentRoutes.Router))
        {
            Content = JsonContent.Create(command, options: AgentProtocol.Json),
        }, ct);
        if (response.StatusCode == HttpStatusCode.NotImplemented)
        {
            response.Dispose();
            return null;
        }
        return await AgentClient.ReadAsync<RouterReply>(response, ct);
    }

    public Task<IReadOnlyList<EncryptionStatusModel>?> GetEncryptionStatusAsync(CancellationToken ct) =>
        GetOptionalAsync<IReadOnlyList<EncryptionStatusModel>>(AgentRoutes.Encryption, ct);

    /// <summary>The capture's output as the agent relays it; null when the backend offers no node capture (501).</summary>
    public async Task<NodeCaptureReply?> CaptureOnNodeAsync(NodeCaptureRequest request, CancellationToken ct)
    {
        var response = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, Route(AgentRoutes.NodeCapture))
        {
            Content = JsonContent.Create(request, options: AgentProtocol.Json),
        }, ct);
        if (response.StatusCode == HttpStatusCode.NotImplemented)
        {
            response.Dispose();
            return null;
        }
        return await AgentClient.ReadAsync<NodeCaptureReply>(response, ct);
    }

    /// <summary>The Prometheus text as the agent relays it; null when the backend serves no Hubble metrics (501).</summary>
    public async Task<string?> GetHubbleMetricsAsync(CancellationToken ct)
    {
        using var response = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, Route(AgentRoutes.HubbleMetrics)), ct);
        if (response.StatusCode == HttpStatusCode.NotImplemented)
        {
            return null;
        }
        await AgentClient.ThrowOnErrorAsync(response, ct);
        return await response.Content.ReadAsStringAsync(ct);
    }

    /// <summary>The history as the agent relays it; null when the backend runs no runtime sensor (501).</summary>
    public async Task<IReadOnlyList<TetragonEvent>?> GetRuntimeEventsAsync(RuntimeEventQuery query, CancellationToken ct)
    {
        using var response = await Client.SendAsync(RuntimeEventsRequest(query, follow: false), ct);
        if (response.StatusCode == HttpStatusCode.NotImplemented)
        {
            return null;
        }
        await AgentClient.ThrowOnErrorAsync(response, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(TetragonEvent.Parse).ToList();
    }

    public async IAsyncEnumerable<TetragonEvent> FollowRuntimeEventsAsync(RuntimeEventQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        using var response = await Client.SendAsync(RuntimeEventsRequest(query, follow: true), ct, HttpCompletionOption.ResponseHeadersRead);
        await AgentClient.ThrowOnErrorAsync(response, ct);
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var reader = new StreamReader(stream);
        while (await ReadLineAsync(reader, ct) is { } line)
        {
            if (line.Length > 0)
            {
                yield return TetragonEvent.Parse(line);
            }
        }
    }

    private HttpRequestMessage RuntimeEventsRequest(RuntimeEventQuery query, bool follow) => new(HttpMethod.Post, Route(AgentRoutes.RuntimeEvents))
    {
        Content = JsonContent.Create(new RuntimeEventsBody(query.Filter, query.Last, follow), options: AgentProtocol.Json),
    };

    private HttpRequestMessage FlowsRequest(FlowQuery query, bool follow) => new(HttpMethod.Post, Route(AgentRoutes.Flows))
    {
        Content = new StringContent(FlowRequestJson.Write(query, follow), Encoding.UTF8, "application/json"),
    };

    private async Task<IReadOnlyList<T>> GetListAsync<T>(string route, CancellationToken ct) =>
        await AgentClient.ReadAsync<List<T>>(await Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, Route(route)), ct), ct);

    /// <summary>Null when the agent says the backend keeps no such state (501), as the in-process inspector would.</summary>
    private async Task<T?> GetOptionalAsync<T>(string route, CancellationToken ct, params string[] values)
        where T : class
    {
        var response = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, Route(route, values)), ct);
        if (response.StatusCode == HttpStatusCode.NotImplemented)
        {
            response.Dispose();
            return null;
        }
        return await AgentClient.ReadAsync<T>(response, ct);
    }
}
