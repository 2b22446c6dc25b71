using System.Reflection;
using Grpc.Core;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.HubbleApi;
using FlowQuery = LabSite.Clusters.Contract.FlowQuery;
using FlowTimestamp = LabSite.Clusters.Contract.Flows.Timestamp;

namespace LabSite.Agent.Server.Hubble;

/// <summary>
/// Hubble's Observer service (observer.proto) for the lab a connection came in on: GetFlows with Hubble's filters,
/// <c>number</c>, <c>first</c>, <c>follow</c>, <c>since</c>/<c>until</c>; ServerStatus; GetNodes. Answers come from the
/// lab's <see cref="IClusterInspector"/>, so any backend the agent hosts is served the same way.
/// </summary>
public sealed class HubbleObserverService(BackendRouter router) : Observer.ObserverBase
{
    private static readonly string s_version = typeof(HubbleObserverService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public override async Task GetFlows(GetFlowsRequest request, IServerStreamWriter<GetFlowsResponse> responseStream, ServerCallContext context)
    {
        var inspector = await InspectorAsync(context);
        FlowQuery query;
        try
        {
            query = HubbleProto.ToQuery(request);
        }
        catch (ArgumentException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }
        var ct = context.CancellationToken;
        if (!request.Follow)
        {
            foreach (var record in await inspector.GetFlowsAsync(query, ct))
            {
                await responseStream.WriteAsync(HubbleProto.ToResponse(record), ct);
            }
            return;
        }
        // As Hubble's server: follow starts after the last `number` flows (none when 0), or at `since` with all the
        // history after it; a flow past `until` ends the stream.
        var history = request.Number > 0 ? (int)Math.Min(request.Number, int.MaxValue) : request.Since is null ? 0 : FlowRing.DefaultCapacity;
        var node = await NodeNameAsync(inspector, ct);
        try
        {
            await foreach (var e in inspector.FollowFlowsAsync(query with { Last = history, All = false, Since = null, Until = null }, ct))
            {
                if (e.Record is { } record)
                {
                    if (query.Until is { } until && record.FlowTime.CompareTo(until) > 0)
                    {
                        return;
                    }
                    if (query.Since is { } since && record.FlowTime.CompareTo(since) < 0)
                    {
                        continue;
                    }
                    await responseStream.WriteAsync(HubbleProto.ToResponse(record), ct);
                }
                else if (e.Lost is { } lost)
                {
                    var now = DateTimeOffset.UtcNow;
                    await responseStream.WriteAsync(HubbleProto.ToResponse(lost, node, new FlowTimestamp(now.ToUnixTimeSeconds(), (int)(now.Ticks % TimeSpan.TicksPerSecond * 100))), ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away (hubble observe -f ended by Ctrl-C).
        }
    }

    public override async Task<ServerStatusResponse> ServerStatus(ServerStatusRequest request, ServerCallContext context)
    {
        var status = await StatusAsync(await InspectorAsync(context), context.CancellationToken);
        return new ServerStatusResponse
        {
            NumFlows = (ulong)status.CurrentFlows,
            MaxFlows = (ulong)status.MaxFlows,
            SeenFlows = (ulong)status.SeenFlows,
            UptimeNs = (ulong)(status.UptimeSeconds * 1e9),
            NumConnectedNodes = 1,
            NumUnavailableNodes = 0,
            Version = s_version,
        };
    }

    public override async Task<GetNodesResponse> GetNodes(GetNodesRequest request, ServerCallContext context)
    {
        var lab = Lab(context);
        var status = await StatusAsync(await InspectorAsync(context), context.CancellationToken);
        var response = new GetNodesResponse();
        response.Nodes.Add(new Node
        {
            Name = status.NodeName,
            Version = s_version,
            Address = $"unix://{lab}",
            State = NodeState.NodeConnected,
            Tls = new TLS { Enabled = false },
            UptimeNs = (ulong)(status.UptimeSeconds * 1e9),
            NumFlows = (ulong)status.CurrentFlows,
            MaxFlows = (ulong)status.MaxFlows,
            SeenFlows = (ulong)status.SeenFlows,
        });
        return response;
    }

    private static string Lab(ServerCallContext context) =>
        context.GetHttpContext().Features.Get<LabConnectionFeature>()?.Lab
            ?? throw new RpcException(new Status(StatusCode.PermissionDenied, "this connection did not come in on a lab's Hubble socket"));

    private async Task<IClusterInspector> InspectorAsync(ServerCallContext context)
    {
        var lab = Lab(context);
        return await router.FindAsync(lab, context.CancellationToken) switch
        {
            IClusterInspector inspector => inspector,
            null => throw new RpcException(new Status(StatusCode.NotFound, $"cluster \"{lab}\" not found")),
            _ => throw new RpcException(new Status(StatusCode.Unimplemented, $"cluster \"{lab}\" has no flow observer")),
        };
    }

    private static async Task<Clusters.Contract.Inspection.AgentStatusModel> StatusAsync(IClusterInspector inspector, CancellationToken ct) =>
        await inspector.GetStatusAsync(ct) ?? throw new RpcException(new Status(StatusCode.Unimplemented, "this cluster reports no observer status"));

    private static async Task<string> NodeNameAsync(IClusterInspector inspector, CancellationToken ct) =>
        (await inspector.GetStatusAsync(ct))?.NodeName ?? "";
}
