using System.Diagnostics;
using System.Net;
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using Grpc.Core;
using Grpc.Net.Client;
using LabSite.Agent.Client;
using LabSite.Agent.Server;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.HubbleApi;
using LabSite.Testing;
using Microsoft.Extensions.DependencyInjection;
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

    [Fact]
    public async Task Labsite_cluster_endpoints_prints_the_hubble_socket_as_json()
    {
        using var client = new AgentClient(agent.SocketPath);
        await client.CreateAsync(new ClusterRequest("hub-ep"), null, default);
        try
        {
            var expected = await client.GetHubbleEndpointAsync("hub-ep", default);
            var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "labsite")) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in (string[])["cluster", "--socket", agent.SocketPath, "--no-autostart", "endpoints", "hub-ep", "-o", "json"])
            {
                start.ArgumentList.Add(a);
            }
            using var process = Process.Start(start)!;
            var (stdout, stderr) = (process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
            await process.WaitForExitAsync();
            Assert.Equal((0, ""), (process.ExitCode, await stderr));
            var json = JsonNode.Parse(await stdout)!.AsObject();
            Assert.Equal(expected.Unix, (string?)json["hubble"]!["unix"]);
            Assert.True(json["hubble"]!.AsObject().ContainsKey("tcp"));
            Assert.Null(json["hubble"]!["tcp"]);
        }
        finally
        {
            await client.DestroyAsync("hub-ep", default);
        }
    }

    [Fact]
    public async Task With_hubble_tcp_on_a_lab_also_answers_on_a_loopback_port()
    {
        var dir = Directory.CreateTempSubdirectory("labsite-hubtcp-").FullName;
        var backend = new InMemoryClusterBackend();
        var app = AgentHost.Build(new AgentOptions { SocketPath = Path.Combine(dir, "agent.sock"), HubbleTcp = true }, services => services.AddSingleton<IClusterBackend>(backend));
        await app.StartAsync();
        try
        {
            using var client = new AgentClient(Path.Combine(dir, "agent.sock"));
            await client.CreateAsync(new ClusterRequest("hub-tcp"), null, default);
            backend.Cluster("hub-tcp")!.Flows.Write(FlowJsonReader.Read(XwingDrop));
            var endpoint = await client.GetHubbleEndpointAsync("hub-tcp", default);
            var tcp = IPEndPoint.Parse(endpoint.Tcp!);
            Assert.True(IPAddress.IsLoopback(tcp.Address));
            Assert.NotEqual(0, tcp.Port);
            using var channel = GrpcChannel.ForAddress($"http://{endpoint.Tcp}");
            var flows = await ReadAllAsync(HubbleChannel.Observer(channel).GetFlows(new GetFlowsRequest { Number = 1 }));
            Assert.Equal("xwing", Assert.Single(flows).Flow.Source.PodName);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Directory.Delete(dir, recursive: true);
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
