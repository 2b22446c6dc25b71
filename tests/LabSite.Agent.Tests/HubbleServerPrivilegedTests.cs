using Grpc.Core;
using LabSite.Agent.Client;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.HubbleApi;
using LabSite.Clusters.Netns;
using LabSite.Shell;
using LabSite.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Api = LabSite.Clusters.Contract.HubbleApi;

namespace LabSite.Agent.Tests;

/// <summary>
/// A real agent (netns backend, kernel, eBPF) running the Star Wars demo, read through the lab's Hubble socket with a
/// gRPC client built from Cilium's protos, as <c>hubble --server unix://...</c> reads it. What comes back must be what
/// the lab's own flow ring holds. Root only; its own name prefix and roots.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class HubbleServerPrivilegedTests : IAsyncLifetime
{
    private const string Cluster = "hubsrv";
    private const string Landing = "curl -s --connect-timeout 2 -XPOST deathstar.default.svc.cluster.local/v1/request-landing";
    private readonly string _prefix = "h" + Guid.NewGuid().ToString("N")[..6];
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "labsite-hubsrv-" + Guid.NewGuid().ToString("N")[..8]);
    private WebApplication? _agent;
    private AgentClient _client = null!;
    private NetnsCluster _local = null!;
    private ShellInterpreter _shell = null!;
    private Grpc.Net.Client.GrpcChannel _channel = null!;
    private Observer.ObserverClient _observer = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        _agent = AgentFixture.NetnsAgent(Path.Combine(_dir, "agent.sock"), _prefix);
        await _agent.StartAsync();
        File.Copy(RepositoryPaths.StarWarsManifest("sw_l3_l4_policy.yaml"), Path.Combine(_dir, "sw_l3_l4_policy.yaml"));
        var manifests = Directory.CreateDirectory(Path.Combine(_dir, "manifests")).FullName;
        File.Copy(RepositoryPaths.StarWarsManifest("http-sw-app.yaml"), Path.Combine(manifests, "http-sw-app.yaml"));

        _client = new AgentClient(Path.Combine(_dir, "agent.sock"));
        var remote = await _client.CreateAsync(new ClusterRequest(Cluster, "star-wars", manifests), null, default);
        _local = (NetnsCluster)(await _agent.Services.GetRequiredService<NetnsBackend>().FindAsync(Cluster, default))!;
        await _local.WaitUntilSettledAsync(default);
        _shell = new ShellInterpreter(new ShellSession(new WorkingFolder(_dir), remote, new ProcessToolRunner()));
        _channel = HubbleChannel.ForUnixSocket((await _client.GetHubbleEndpointAsync(Cluster, default)).Unix);
        _observer = HubbleChannel.Observer(_channel);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _client.DestroyAsync(Cluster, default);
        _client.Dispose();
        await _agent!.StopAsync();
        await _agent.DisposeAsync();
        AgentFixture.DeleteNetnsRoots(_prefix);
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<int> ShellAsync(string line) => await _shell.RunAsync(line, TextWriter.Null, TextWriter.Null, default);

    /// <summary>Waits (bounded) until the datapath has reported every packet of the last exchange, so two reads agree.</summary>
    private async Task QuietAsync()
    {
        var last = -1L;
        for (var i = 0; i < 50 && last != _local.Policy!.Flows.Written; i++)
        {
            last = _local.Policy!.Flows.Written;
            await Task.Delay(300);
        }
    }

    private static async Task<List<GetFlowsResponse>> ReadAllAsync(AsyncServerStreamingCall<GetFlowsResponse> call)
    {
        using (call)
        {
            var all = new List<GetFlowsResponse>();
            await foreach (var r in call.ResponseStream.ReadAllAsync())
            {
                all.Add(r);
            }
            return all;
        }
    }

    private async Task<(List<GetFlowsResponse> Served, List<GetFlowsResponse> Ring)> BothAsync(GetFlowsRequest request) =>
        (await ReadAllAsync(_observer.GetFlows(request)), (await _local.GetFlowsAsync(HubbleProto.ToQuery(request), default)).Select(HubbleProto.ToResponse).ToList());

    [Fact]
    public async Task Filters_number_first_and_status_answer_from_the_labs_flows()
    {
        Assert.Equal(0, await ShellAsync($"kubectl exec tiefighter -- {Landing}"));
        Assert.Equal(0, await ShellAsync("kubectl create -f sw_l3_l4_policy.yaml"));
        await _local.WaitUntilSettledAsync(default);
        Assert.Equal(28, await ShellAsync($"kubectl exec xwing -- {Landing}"));
        await QuietAsync();

        // Whitelist: xwing's drops only.
        var drops = new GetFlowsRequest { Number = ulong.MaxValue };
        var xwing = new Api.FlowFilter();
        xwing.SourcePod.Add("default/xwing");
        xwing.Verdict.Add(Api.Verdict.Dropped);
        drops.Whitelist.Add(xwing);
        var (served, ring) = await BothAsync(drops);
        Assert.NotEmpty(served);
        Assert.Equal(ring, served);
        Assert.All(served, r => Assert.Equal(("xwing", Api.Verdict.Dropped, Api.DropReason.PolicyDenied), (r.Flow.Source.PodName.Split('-')[0], r.Flow.Verdict, r.Flow.DropReasonDesc)));

        // TCP to port 80 with a label, minus replies (blacklist), by identity of the destination.
        var toDeathstar = new GetFlowsRequest { Number = ulong.MaxValue };
        var allow = new Api.FlowFilter();
        allow.Protocol.Add("tcp");
        allow.DestinationPort.Add("80");
        allow.DestinationLabel.Add("k8s:class=deathstar");
        toDeathstar.Whitelist.Add(allow);
        var replies = new Api.FlowFilter();
        replies.Reply.Add(true);
        toDeathstar.Blacklist.Add(replies);
        (served, ring) = await BothAsync(toDeathstar);
        Assert.NotEmpty(served);
        Assert.Equal(ring, served);
        Assert.All(served, r => Assert.Equal((80u, false), (r.Flow.L4.TCP.DestinationPort, r.Flow.IsReply == true)));
        Assert.Contains(served, r => r.Flow.Source.PodName == "tiefighter");
        var identity = served[0].Flow.Destination.Identity;
        var byIdentity = new GetFlowsRequest { Number = ulong.MaxValue };
        var id = new Api.FlowFilter();
        id.DestinationIdentity.Add(identity);
        id.EventType.Add(new EventTypeFilter { Type = MonitorEventType.Drop });
        byIdentity.Whitelist.Add(id);
        (served, ring) = await BothAsync(byIdentity);
        Assert.NotEmpty(served);
        Assert.Equal(ring, served);
        Assert.All(served, r => Assert.Equal((identity, Api.Verdict.Dropped), (r.Flow.Destination.Identity, r.Flow.Verdict)));

        // number: the last N of everything; first: the earliest N.
        var all = (await _local.GetFlowsAsync(new FlowQuery(FlowFilterSet.All, All: true), default)).Select(HubbleProto.ToResponse).ToList();
        Assert.True(all.Count > 6);
        Assert.Equal(all[^3..], await ReadAllAsync(_observer.GetFlows(new GetFlowsRequest { Number = 3 })));
        Assert.Equal(all[..2], await ReadAllAsync(_observer.GetFlows(new GetFlowsRequest { Number = 2, First = true })));
        // since/until: a window by flow time.
        var window = new GetFlowsRequest { Since = all[2].Flow.Time ?? all[2].Time, Until = all[4].Flow.Time ?? all[4].Time };
        (served, ring) = await BothAsync(window);
        Assert.Equal(ring, served);
        Assert.Contains(all[3], served);

        var status = await _observer.ServerStatusAsync(new ServerStatusRequest());
        var flows = _local.Policy!.Flows;
        Assert.Equal(((ulong)flows.Written, (ulong)flows.Capacity, (ulong)Math.Min(flows.Written, flows.Capacity), 1u), (status.SeenFlows, status.MaxFlows, status.NumFlows, status.NumConnectedNodes));
        Assert.True(status.UptimeNs > 0);
        var node = Assert.Single((await _observer.GetNodesAsync(new GetNodesRequest())).Nodes);
        Assert.Equal((_local.Policy!.NodeName, NodeState.NodeConnected), (node.Name, node.State));
    }

    [Fact]
    public async Task Follow_delivers_a_drop_made_after_the_call_started_and_a_bad_filter_is_invalid_argument()
    {
        Assert.Equal(0, await ShellAsync("kubectl create -f sw_l3_l4_policy.yaml"));
        await _local.WaitUntilSettledAsync(default);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var request = new GetFlowsRequest { Follow = true };
        var xwing = new Api.FlowFilter();
        xwing.SourcePod.Add("default/xwing");
        xwing.Verdict.Add(Api.Verdict.Dropped);
        request.Whitelist.Add(xwing);
        using var call = _observer.GetFlows(request, cancellationToken: cancel.Token);
        var first = call.ResponseStream.MoveNext(cancel.Token);
        for (var i = 0; i < 200 && _local.Policy!.Flows.Subscribers == 0; i++)
        {
            await Task.Delay(10);
        }
        Assert.Equal(1, _local.Policy!.Flows.Subscribers);
        var before = _local.Policy!.Flows.Written;
        Assert.Equal(28, await ShellAsync($"kubectl exec xwing -- {Landing}"));
        Assert.True(await first);
        var drop = call.ResponseStream.Current;
        Assert.Equal(("xwing", Api.DropReason.PolicyDenied), (drop.Flow.Source.PodName.Split('-')[0], drop.Flow.DropReasonDesc));
        // It is a flow written after the call started: the ring's flows from then on hold it.
        var since = (await _local.GetFlowsAsync(new FlowQuery(FlowFilterSet.All, All: true), default)).Select(HubbleProto.ToResponse).ToList();
        Assert.Contains(drop, since[^(int)(_local.Policy!.Flows.Written - before)..]);

        var bad = new GetFlowsRequest { Number = 5 };
        var cidr = new Api.FlowFilter();
        cidr.SourceIp.Add("10.0.0.300/8");
        bad.Blacklist.Add(cidr);
        var e = await Assert.ThrowsAsync<RpcException>(() => ReadAllAsync(_observer.GetFlows(bad)));
        Assert.Equal((StatusCode.InvalidArgument, "flow filter field source_ip: \"10.0.0.300/8\" is not an IP address or CIDR"), (e.StatusCode, e.Status.Detail));
    }
}
