using System.Runtime.Versioning;
using Grpc.Core;
using LabSite.Agent.Client;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.HubbleApi;
using LabSite.Testing;
using Api = LabSite.Clusters.Contract.HubbleApi;

namespace LabSite.Agent.Tests;

/// <summary>
/// The agent's per-lab Hubble sockets on the in-memory backend: they come and go with the lab, carry mode 0660, and
/// each answers for its own lab only. (The netns lab's flows are checked in <see cref="HubbleServerPrivilegedTests"/>.)
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class HubbleServerTests(AgentFixture agent) : IClassFixture<AgentFixture>
{
    private const string XwingDrop = """{"flow":{"time":"2026-11-22T12:01:40Z","verdict":"DROPPED","IP":{"source":"10.0.0.12","destination":"10.0.0.13","ipVersion":"IPv4"},"l4":{"TCP":{"source_port":38424,"destination_port":80,"flags":{"SYN":true}}},"source":{"ID":2,"identity":258,"namespace":"default","labels":["k8s:class=xwing"],"pod_name":"xwing"},"destination":{"ID":3,"identity":257,"namespace":"default","pod_name":"deathstar-1"},"Type":"L3_L4","node_name":"labsite/x","event_type":{"type":1,"sub_type":133},"traffic_direction":"INGRESS","drop_reason_desc":"POLICY_DENIED"},"node_name":"labsite/x","time":"2026-11-22T12:01:40Z"}""";

    [Fact]
    public async Task A_labs_socket_opens_with_the_lab_answers_for_it_only_and_goes_with_it()
    {
        using var client = new AgentClient(agent.SocketPath);
        await client.CreateAsync(new ClusterRequest("hub-a"), null, default);
        await client.CreateAsync(new ClusterRequest("hub-b"), null, default);
        agent.Backend.Cluster("hub-a")!.Flows.Write(FlowJsonReader.Read(XwingDrop));

        var a = await client.GetHubbleEndpointAsync("hub-a", default);
        var b = await client.GetHubbleEndpointAsync("hub-b", default);
        Assert.Equal(Path.Combine(Path.GetDirectoryName(agent.SocketPath)!, "hubble", "hub-a.sock"), a.Unix);
        Assert.Null(a.Tcp);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite, File.GetUnixFileMode(a.Unix));

        using (var channelA = HubbleChannel.ForUnixSocket(a.Unix))
        using (var channelB = HubbleChannel.ForUnixSocket(b.Unix))
        {
            Assert.Single(await ReadAllAsync(HubbleChannel.Observer(channelA).GetFlows(new GetFlowsRequest { Number = 20 })));
            Assert.Empty(await ReadAllAsync(HubbleChannel.Observer(channelB).GetFlows(new GetFlowsRequest { Number = 20 })));
        }

        await client.DestroyAsync("hub-a", default);
        Assert.False(File.Exists(a.Unix));
        var gone = await Assert.ThrowsAsync<ClusterException>(() => client.GetHubbleEndpointAsync("hub-a", default));
        Assert.Contains("cluster \"hub-a\" has no Hubble socket", gone.Message);
        await client.DestroyAsync("hub-b", default);
    }

    [Fact]
    public async Task A_malformed_filter_is_refused_as_invalid_argument_naming_the_field()
    {
        using var client = new AgentClient(agent.SocketPath);
        await client.CreateAsync(new ClusterRequest("hub-bad"), null, default);
        try
        {
            using var channel = HubbleChannel.ForUnixSocket((await client.GetHubbleEndpointAsync("hub-bad", default)).Unix);
            var filter = new Api.FlowFilter();
            filter.DestinationIp.Add("10.0.0.0/33");
            var request = new GetFlowsRequest { Number = 5 };
            request.Whitelist.Add(filter);
            var e = await Assert.ThrowsAsync<RpcException>(() => ReadAllAsync(HubbleChannel.Observer(channel).GetFlows(request)));
            Assert.Equal((StatusCode.InvalidArgument, "flow filter field destination_ip: \"10.0.0.0/33\" is not an IP address or CIDR"), (e.StatusCode, e.Status.Detail));
        }
        finally
        {
            await client.DestroyAsync("hub-bad", default);
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
}
