using System.Net;
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;
using LabSite.Agent.Client;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Testing;

namespace LabSite.Agent.Tests;

/// <summary>
/// Inspection through the real agent API (Kestrel on a unix socket): a cluster found through <see cref="AgentClient"/>
/// is an <see cref="IClusterInspector"/> answering exactly what the backend's own inspector answers.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class AgentInspectionApiTests(AgentFixture agent) : IClassFixture<AgentFixture>
{
    private const string XwingDrop = """{"flow":{"time":"2026-11-22T12:01:40Z","verdict":"DROPPED","IP":{"source":"10.0.0.12","destination":"10.0.0.13","ipVersion":"IPv4"},"l4":{"TCP":{"source_port":38424,"destination_port":80,"flags":{"SYN":true}}},"source":{"ID":2,"identity":258,"namespace":"default","labels":["k8s:class=xwing"],"pod_name":"xwing"},"destination":{"ID":3,"identity":257,"namespace":"default","pod_name":"deathstar-1"},"Type":"L3_L4","node_name":"labsite/x","event_type":{"type":1,"sub_type":133},"traffic_direction":"INGRESS","drop_reason_desc":"POLICY_DENIED"},"node_name":"labsite/x","time":"2026-11-22T12:01:40Z"}""";
    private const string TieForward = """{"flow":{"time":"2026-11-22T12:01:41Z","verdict":"FORWARDED","IP":{"source":"10.0.0.11","destination":"10.0.0.13","ipVersion":"IPv4"},"l4":{"TCP":{"source_port":40000,"destination_port":80,"flags":{"SYN":true}}},"source":{"ID":1,"identity":259,"namespace":"default","pod_name":"tiefighter"},"destination":{"ID":3,"identity":257,"namespace":"default","pod_name":"deathstar-1"},"Type":"L3_L4","node_name":"labsite/x","event_type":{"type":4},"is_reply":false},"node_name":"labsite/x","time":"2026-11-22T12:01:41Z"}""";

    private AgentClient Client() => new(agent.SocketPath);

    private async Task<(IClusterInspector Remote, InMemoryCluster Local)> CreateAsync(AgentClient client, string name)
    {
        var cluster = await client.CreateAsync(new ClusterRequest(name), null, default);
        var local = agent.Backend.Cluster(name)!;
        for (var i = 0; i < 30; i++)
        {
            local.Flows.Write(FlowJsonReader.Read(i % 3 == 0 ? XwingDrop : TieForward));
        }
        return (Assert.IsAssignableFrom<IClusterInspector>(cluster), local);
    }

    private static string Same(object value) => JsonSerializer.Serialize(value, AgentProtocol.Json);

    private static string Jsonpb(IEnumerable<FlowRecord> flows) => string.Join("\n", flows.Select(FlowJson.Write));

    [Theory]
    [InlineData("--last", "5")]
    [InlineData("--first", "4")]
    [InlineData("--all")]
    [InlineData("--pod", "default/xwing", "--verdict", "DROPPED", "--all")]
    [InlineData("--not", "--verdict", "DROPPED", "--last", "3")]
    [InlineData("--since", "2026-11-22T12:01:41Z", "--type", "trace", "--all")]
    [InlineData("--until", "2026-11-22T12:01:40Z", "--to-identity", "257")]
    public async Task Flow_queries_return_what_the_backend_returns(params string[] observe)
    {
        using var client = Client();
        var (remote, local) = await CreateAsync(client, "insp-flows-" + Math.Abs(string.Join(' ', observe).GetHashCode() % 100000));
        var query = HubbleObserveArgs.Parse(observe).Query;
        var expected = await local.GetFlowsAsync(query, default);
        Assert.NotEmpty(expected);
        Assert.Equal(Jsonpb(expected), Jsonpb(await remote.GetFlowsAsync(query, default)));
    }

    [Fact]
    public async Task Every_model_arrives_as_the_backend_built_it()
    {
        using var client = Client();
        var (remote, local) = await CreateAsync(client, "insp-models");
        Assert.Equal(Same(await local.GetEndpointsAsync(default)), Same(await remote.GetEndpointsAsync(default)));
        Assert.Equal(Same(await local.GetIdentitiesAsync(default)), Same(await remote.GetIdentitiesAsync(default)));
        Assert.Equal(Same(await local.GetConntrackAsync(default)), Same(await remote.GetConntrackAsync(default)));
        Assert.Equal(Same(await local.GetIpcacheAsync(default)), Same(await remote.GetIpcacheAsync(default)));
        Assert.Equal(Same(await local.GetServicesAsync(default)), Same(await remote.GetServicesAsync(default)));
        Assert.Equal(await local.GetPolicyRepositoryAsync(default), await remote.GetPolicyRepositoryAsync(default));
        Assert.Equal(await local.GetStatusAsync(default), await remote.GetStatusAsync(default));

        var map = (await remote.GetPolicyMapAsync(3, default))!;
        Assert.Equal((await local.GetPolicyMapAsync(3, default))!.ToText(), map.ToText());
        Assert.Null(await remote.GetPolicyMapAsync(9, default));
    }

    [Fact]
    public async Task Follow_streams_history_then_live_flows_and_reports_losses()
    {
        using var client = Client();
        var (remote, local) = await CreateAsync(client, "insp-follow");
        using var cancel = new CancellationTokenSource();
        var received = new List<FlowEvent>();
        var follow = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in remote.FollowFlowsAsync(new FlowQuery(FlowFilterSet.All, Last: 2), cancel.Token))
                {
                    lock (received)
                    {
                        received.Add(e);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Cancelling is how a follow ends.
            }
        });
        int Count() { lock (received) { return received.Count; } }
        for (var i = 0; i < 500 && Count() < 2; i++)
        {
            await Task.Delay(10);
        }
        Assert.Equal(Jsonpb(local.Flows.History(last: 2)), Jsonpb(received.Select(e => e.Record!)));

        // A burst far larger than a follower's buffer: every flow is either delivered or counted as lost.
        for (var i = 0; i < 2000; i++)
        {
            local.Flows.Write(FlowJsonReader.Read(XwingDrop));
        }
        long Accounted() { lock (received) { return received.Skip(2).Sum(e => e.Record is null ? e.Lost!.Count : 1); } }
        for (var i = 0; i < 1000 && Accounted() < 2000; i++)
        {
            await Task.Delay(10);
        }
        await cancel.CancelAsync();
        await follow;
        Assert.Equal(2000, Accounted());
        Assert.Contains(received, e => e.Lost is { Source: LostEvents.ObserverQueue });
        // The agent stops following once the client is gone.
        for (var i = 0; i < 500 && local.Flows.Subscribers > 0; i++)
        {
            await Task.Delay(10);
        }
        Assert.Equal(0, local.Flows.Subscribers);
    }

    [Fact]
    public async Task Errors_say_what_is_wrong()
    {
        using var client = Client();
        var plain = await client.CreateAsync(new ClusterRequest("insp-plain", InMemoryClusterBackend.NoInspection), null, default);
        var inspector = Assert.IsAssignableFrom<IClusterInspector>(plain);
        var none = await Assert.ThrowsAsync<ClusterException>(() => inspector.GetEndpointsAsync(default));
        Assert.Equal("cluster \"insp-plain\" (fake) offers no inspection (flows, endpoints, maps)", none.Message);
        Assert.Null(await inspector.GetStatusAsync(default));
        var follow = await Assert.ThrowsAsync<ClusterException>(async () =>
        {
            await foreach (var _ in inspector.FollowFlowsAsync(FlowQuery.Default, default))
            {
            }
        });
        Assert.Equal(none.Message, follow.Message);

        using var http = AgentClient.CreateHttpClient(agent.SocketPath);
        await CreateAsync(client, "insp-errors");
        var bad = await http.PostAsync("v1/clusters/insp-errors/flows", new StringContent("""{"whitelist":[{"verdict":["MAYBE"]}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("whitelist[0].verdict: \\u0022MAYBE\\u0022 is not a Verdict", await bad.Content.ReadAsStringAsync());
        var id = await http.GetAsync("v1/clusters/insp-errors/endpoints/deathstar/policy");
        Assert.Equal((HttpStatusCode.BadRequest, """{"error":"endpoint id \u0022deathstar\u0022 is not a number from 0 to 65535"}"""), (id.StatusCode, await id.Content.ReadAsStringAsync()));
        var missing = await http.GetAsync("v1/clusters/no-such/endpoints");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
