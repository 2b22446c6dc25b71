using LabSite.Agent.Client;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Clusters.Contract.Metrics;
using LabSite.Clusters.Contract.Runtime;
using Microsoft.AspNetCore.Mvc;

namespace LabSite.Agent.Server;

/// <summary>
/// The agent API's inspection routes: one per <see cref="IClusterInspector"/> method, answering in the contract's own
/// shapes (Hubble jsonpb lines for flows, the Inspection models as JSON), so <see cref="AgentCluster"/> can be an
/// inspector too, plus the lab's eBPF objects (<see cref="IBpfObjects"/>) for the shell's bpftool. A cluster whose
/// backend does not inspect (or has no eBPF objects) answers 501.
/// </summary>
public static class AgentInspectionApi
{
    public static RouteGroupBuilder MapAgentInspectionApi(this RouteGroupBuilder api)
    {
        api.MapGet(AgentRoutes.Flows, LastFlows).WithName("Flows");
        api.MapPost(AgentRoutes.Flows, QueryFlows).WithName("QueryFlows");
        api.MapGet(AgentRoutes.Endpoints, (string cluster, BackendRouter agent, CancellationToken ct) =>
            InspectAsync(cluster, agent, ct, async i => Json(await i.GetEndpointsAsync(ct)))).WithName("Endpoints");
        api.MapGet(AgentRoutes.PolicyMap, PolicyMap).WithName("PolicyMap");
        api.MapGet(AgentRoutes.Identities, (string cluster, BackendRouter agent, CancellationToken ct) =>
            InspectAsync(cluster, agent, ct, async i => Json(await i.GetIdentitiesAsync(ct)))).WithName("Identities");
        api.MapGet(AgentRoutes.Conntrack, (string cluster, BackendRouter agent, CancellationToken ct) =>
            InspectAsync(cluster, agent, ct, async i => Json(await i.GetConntrackAsync(ct)))).WithName("Conntrack");
        api.MapGet(AgentRoutes.Ipcache, (string cluster, BackendRouter agent, CancellationToken ct) =>
            InspectAsync(cluster, agent, ct, async i => Json(await i.GetIpcacheAsync(ct)))).WithName("Ipcache");
        api.MapGet(AgentRoutes.FqdnCache, (string cluster, BackendRouter agent, CancellationToken ct) =>
            InspectAsync(cluster, agent, ct, async i => await i.GetFqdnCacheAsync(ct) is { } cache
                ? Json(cache)
                : Error(501, $"cluster \"{cluster}\" keeps no FQDN cache"))).WithName("FqdnCache");
        api.MapGet(AgentRoutes.Services, (string cluster, BackendRouter agent, CancellationToken ct) =>
            InspectAsync(cluster, agent, ct, async i => Json(await i.GetServicesAsync(ct)))).WithName("Services");
        api.MapGet(AgentRoutes.Policy, (string cluster, BackendRouter agent, CancellationToken ct) =>
            InspectAsync(cluster, agent, ct, async i => await i.GetPolicyRepositoryAsync(ct) is { } repo
                ? Json(repo)
                : Error(501, $"cluster \"{cluster}\" keeps no policy repository"))).WithName("PolicyRepository");
        api.MapGet(AgentRoutes.Status, (string cluster, BackendRouter agent, CancellationToken ct) =>
            InspectAsync(cluster, agent, ct, async i => await i.GetStatusAsync(ct) is { } status
                ? Json(status)
                : Error(501, $"cluster \"{cluster}\" reports no agent status"))).WithName("Status");
        api.MapGet(AgentRoutes.HubbleMetrics, (string cluster, BackendRouter agent, CancellationToken ct) =>
            InspectAsync(cluster, agent, ct, async i => await i.GetHubbleMetricsAsync(ct) is { } text
                ? Results.Text(text, PrometheusText.ContentType)
                : Error(501, $"cluster \"{cluster}\" serves no Hubble metrics"))).WithName("HubbleMetrics");
        api.MapPost(AgentRoutes.RuntimeEvents, RuntimeEvents).WithName("RuntimeEvents");
        api.MapGet(AgentRoutes.BgpPeers, (string cluster, BackendRouter agent, CancellationToken ct) =>
            InspectAsync(cluster, agent, ct, async i => await i.GetBgpPeersAsync(ct) is { } peers
                ? Json(peers)
                : Error(501, $"cluster \"{cluster}\" runs no BGP speaker"))).WithName("BgpPeers");
        api.MapGet(AgentRoutes.BgpRoutes, (string cluster, string table, BackendRouter agent, CancellationToken ct) =>
            table is not ("available" or "advertised")
                ? Task.FromResult(Error(400, $"BGP routes table \"{table}\": use available or advertised"))
                : InspectAsync(cluster, agent, ct, async i => await i.GetBgpRoutesAsync(table == "advertised", ct) is { } routes
                    ? Json(routes)
                    : Error(501, $"cluster \"{cluster}\" runs no BGP speaker"))).WithName("BgpRoutes");
        api.MapGet(AgentRoutes.Router, (string cluster, BackendRouter agent, CancellationToken ct) =>
            InspectAsync(cluster, agent, ct, async i => await i.GetRouterAsync(ct) is { } router
                ? Json(router)
                : Error(501, $"cluster \"{cluster}\" has no BGP router"))).WithName("Router");
        api.MapPost(AgentRoutes.Router, RouterCommandAsync).WithName("RouterCommand");
        api.MapGet(AgentRoutes.AuthEntries, (string cluster, BackendRouter agent, CancellationToken ct) =>
            InspectAsync(cluster, agent, ct, async i => await i.GetAuthEntriesAsync(ct) is { } entries
                ? Json(entries)
                : Error(501, $"cluster \"{cluster}\" has no mutual authentication"))).WithName("AuthEntries");
        api.MapGet(AgentRoutes.SpireEntries, (string cluster, BackendRouter agent, CancellationToken ct) =>
            InspectAsync(cluster, agent, ct, async i => await i.GetSpireEntriesAsync(ct) is { } entries
                ? Json(entries)
                : Error(501, $"cluster \"{cluster}\" has no mutual authentication"))).WithName("SpireEntries");
        api.MapPost(AgentRoutes.SpireEntries, ChangeSpireEntriesAsync).WithName("ChangeSpireEntries");
        api.MapGet(AgentRoutes.Encryption, (string cluster, BackendRouter agent, CancellationToken ct) =>
            InspectAsync(cluster, agent, ct, async i => await i.GetEncryptionStatusAsync(ct) is { } status
                ? Json(status)
                : Error(501, $"cluster \"{cluster}\" reports no encryption status"))).WithName("Encryption");
        api.MapPost(AgentRoutes.NodeCapture, NodeCaptureAsync).WithName("NodeCapture");
        api.MapGet(AgentRoutes.BpfObjects, (string cluster, BackendRouter agent, CancellationToken ct) =>
            AnswerAsync<IBpfObjects>(cluster, agent, c => Error(501, LabBpfObjects.NoneIn(c)), async b => Json(await b.GetBpfObjectsAsync(ct)), ct))
            .WithName("BpfObjects");
        return api;
    }

    private static IResult Json(object value) => AgentApi.Json(value);

    private static IResult Error(int status, string message) => AgentApi.Error(status, message);

    private static IResult NoInspection(ILabCluster cluster) =>
        Error(501, $"cluster \"{cluster.Name}\" ({cluster.Backend}) offers no inspection (flows, endpoints, maps)");

    /// <summary>Finds the cluster and its inspector (404 / 501 otherwise) and runs <paramref name="answer"/>.</summary>
    private static Task<IResult> InspectAsync(string name, BackendRouter agent, CancellationToken ct, Func<IClusterInspector, Task<IResult>> answer) =>
        AnswerAsync(name, agent, NoInspection, answer, ct);

    /// <summary>
    /// Finds the cluster (404 otherwise) and, when it offers <typeparamref name="TFace"/>, runs <paramref name="answer"/>;
    /// otherwise answers <paramref name="lacking"/> (a 501).
    /// </summary>
    internal static async Task<IResult> AnswerAsync<TFace>(string name, BackendRouter agent, Func<ILabCluster, IResult> lacking, Func<TFace, Task<IResult>> answer, CancellationToken ct)
        where TFace : class
    {
        var cluster = await agent.FindAsync(name, ct);
        if (cluster is null)
        {
            return Error(404, $"cluster \"{name}\" not found");
        }
        if (cluster is not TFace face)
        {
            return lacking(cluster);
        }
        try
        {
            return await answer(face);
        }
        catch (ClusterException e)
        {
            return Error(500, e.Message);
        }
    }

    /// <summary>The policy map of one endpoint; 404 with "endpoint N not found" when there is no such endpoint.</summary>
    private static Task<IResult> PolicyMap([FromRoute(Name = "cluster")] string name, string id, BackendRouter agent, CancellationToken ct)
    {
        if (!ushort.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var endpoint))
        {
            return Task.FromResult(Error(400, $"endpoint id \"{id}\" is not a number from 0 to 65535"));
        }
        return InspectAsync(name, agent, ct, async i => await i.GetPolicyMapAsync(endpoint, ct) is { } dump
            ? Json(dump)
            : Error(404, $"endpoint {endpoint} not found in cluster \"{name}\""));
    }

    /// <summary>The last N recorded flows as <c>hubble observe -o jsonpb</c> lines (NDJSON), oldest first.</summary>
    private static async Task<IResult> LastFlows([FromRoute(Name = "cluster")] string name, [FromQuery] int? last, BackendRouter agent, CancellationToken ct)
    {
        if (last is < 1)
        {
            return Error(400, $"last={last}: must be a positive number of flows");
        }
        return await InspectAsync(name, agent, ct, async i =>
            Results.Text(Lines(await i.GetFlowsAsync(new FlowQuery(FlowFilterSet.All, Last: last ?? 20), ct)), AgentProtocol.NdjsonContentType));
    }

    /// <summary>
    /// A Hubble <c>GetFlowsRequest</c> (see <see cref="FlowRequestJson"/>): history as jsonpb lines, or with
    /// <c>follow</c> the history then live flows and lost-event notices, one flushed line each, until the client leaves.
    /// </summary>
    private static async Task QueryFlows([FromRoute(Name = "cluster")] string name, BackendRouter agent, HttpContext http, CancellationToken ct)
    {
        FlowQuery query;
        bool follow;
        try
        {
            using var reader = new StreamReader(http.Request.Body);
            (query, follow) = FlowRequestJson.Read(await reader.ReadToEndAsync(ct));
        }
        catch (FormatException e)
        {
            await Error(400, e.Message).ExecuteAsync(http);
            return;
        }
        if (!follow)
        {
            await (await InspectAsync(name, agent, ct, async i =>
                Results.Text(Lines(await i.GetFlowsAsync(query, ct)), AgentProtocol.NdjsonContentType))).ExecuteAsync(http);
            return;
        }
        var cluster = await agent.FindAsync(name, ct);
        if (cluster is not IClusterInspector inspector)
        {
            await (cluster is null ? Error(404, $"cluster \"{name}\" not found") : NoInspection(cluster)).ExecuteAsync(http);
            return;
        }
        http.Response.ContentType = AgentProtocol.NdjsonContentType;
        await http.Response.StartAsync(ct);
        await http.Response.Body.FlushAsync(ct);
        try
        {
            await foreach (var e in inspector.FollowFlowsAsync(query, ct))
            {
                var line = e.Record is { } r ? FlowJson.Write(r) : FlowJson.WriteLost(e.Lost!, "", Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow));
                await http.Response.WriteAsync(line + "\n", ct);
                await http.Response.Body.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away: that is how a follow ends.
        }
    }

    /// <summary>
    /// Runtime-security events as <c>tetra getevents -o json</c> lines: the history, or with <c>follow</c> the last
    /// N then live events, one flushed line each, until the client leaves. 501 when the backend runs no sensor.
    /// </summary>
    /// <summary><c>spire-server entry delete|create</c>: a <see cref="SpireEntryChange"/> body; answers the entries changed.</summary>
    private static async Task<IResult> ChangeSpireEntriesAsync([FromRoute(Name = "cluster")] string name, BackendRouter agent, HttpContext http, CancellationToken ct)
    {
        SpireEntryChange? change;
        try
        {
            change = await http.Request.ReadFromJsonAsync<SpireEntryChange>(AgentProtocol.Json, ct);
        }
        catch (System.Text.Json.JsonException e)
        {
            return Error(400, $"SPIRE entry change: {e.Message}");
        }
        if (change is null || (change.Identity is null && change.Labels is not { Count: > 0 }))
        {
            return Error(400, "SPIRE entry change: needs an identity or labels");
        }
        return await InspectAsync(name, agent, ct, async i => await i.ChangeSpireEntriesAsync(change, ct) is { } changed
            ? Json(changed)
            : Error(501, $"cluster \"{name}\" has no mutual authentication"));
    }

    private static async Task<IResult> RouterCommandAsync([FromRoute(Name = "cluster")] string name, BackendRouter agent, HttpContext http, CancellationToken ct)
    {
        RouterCommand? command;
        try
        {
            command = await http.Request.ReadFromJsonAsync<RouterCommand>(AgentProtocol.Json, ct);
        }
        catch (System.Text.Json.JsonException e)
        {
            return Error(400, $"router command: {e.Message}");
        }
        if (command is null || string.IsNullOrEmpty(command.Tool) || command.Argument is null)
        {
            return Error(400, "router command: needs a tool (vtysh or curl) and an argument");
        }
        return await InspectAsync(name, agent, ct, async i => await i.RunRouterCommandAsync(command, ct) is { } reply
            ? Json(reply)
            : Error(501, $"cluster \"{name}\" has no BGP router"));
    }

    private static async Task<IResult> NodeCaptureAsync([FromRoute(Name = "cluster")] string name, BackendRouter agent, HttpContext http, CancellationToken ct)
    {
        NodeCaptureRequest? request;
        try
        {
            request = await http.Request.ReadFromJsonAsync<NodeCaptureRequest>(AgentProtocol.Json, ct);
        }
        catch (System.Text.Json.JsonException e)
        {
            return Error(400, $"node capture: {e.Message}");
        }
        if (request is null || string.IsNullOrEmpty(request.Node) || request.Arguments is null)
        {
            return Error(400, "node capture: needs a node and the capture's arguments");
        }
        return await InspectAsync(name, agent, ct, async i => await i.CaptureOnNodeAsync(request, ct) is { } reply
            ? Json(reply)
            : Error(501, $"cluster \"{name}\" offers no node capture"));
    }

    private static async Task RuntimeEvents([FromRoute(Name = "cluster")] string name, BackendRouter agent, HttpContext http, CancellationToken ct)
    {
        RuntimeEventsBody? body;
        try
        {
            body = await http.Request.ReadFromJsonAsync<RuntimeEventsBody>(AgentProtocol.Json, ct);
        }
        catch (System.Text.Json.JsonException e)
        {
            await Error(400, $"runtime events request: {e.Message}").ExecuteAsync(http);
            return;
        }
        if (body?.Filter is null || body.Last is < 0 || body.Filter.Validate() is { } problem)
        {
            await Error(400, body?.Filter?.Validate() ?? "runtime events request: needs a filter and a last of 0 or more").ExecuteAsync(http);
            return;
        }
        var query = new RuntimeEventQuery(body.Filter, body.Last);
        if (!body.Follow)
        {
            await (await InspectAsync(name, agent, ct, async i => await i.GetRuntimeEventsAsync(query, ct) is { } events
                ? Results.Text(string.Concat(events.Select(e => e.ToJson() + "\n")), AgentProtocol.NdjsonContentType)
                : Error(501, $"cluster \"{name}\" runs no runtime-security sensor"))).ExecuteAsync(http);
            return;
        }
        var cluster = await agent.FindAsync(name, ct);
        if (cluster is not IClusterInspector inspector || await inspector.GetRuntimeEventsAsync(query with { Last = 0 }, ct) is null)
        {
            await (cluster is null ? Error(404, $"cluster \"{name}\" not found") : Error(501, $"cluster \"{name}\" runs no runtime-security sensor")).ExecuteAsync(http);
            return;
        }
        http.Response.ContentType = AgentProtocol.NdjsonContentType;
        await http.Response.StartAsync(ct);
        await http.Response.Body.FlushAsync(ct);
        try
        {
            await foreach (var e in inspector.FollowRuntimeEventsAsync(query, ct))
            {
                await http.Response.WriteAsync(e.ToJson() + "\n", ct);
                await http.Response.Body.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away: that is how a follow ends.
        }
    }

    private static string Lines(IEnumerable<FlowRecord> flows) => string.Concat(flows.Select(f => FlowJson.Write(f) + "\n"));
}
