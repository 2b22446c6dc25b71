using System.Runtime.Versioning;
using LabSite.Agent.Client;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Runtime;
using LabSite.Testing;

namespace LabSite.Agent.Tests;

/// <summary>Runtime-security events through the real agent API: history with filters, follow, and "no sensor" as null.</summary>
[SupportedOSPlatform("linux")]
public sealed class AgentRuntimeEventsApiTests(AgentFixture agent) : IClassFixture<AgentFixture>
{
    private static readonly DateTimeOffset s_t = new(2026, 12, 6, 1, 0, 0, TimeSpan.Zero);

    private static TetragonEvent Exec(string pod, string binary) => new()
    {
        ProcessExec = new ProcessExec(new TetragonProcess("aWQ=", 7, 1000, binary, "-x", "execve", s_t, new TetragonPod("default", pod, null, null, pod), null), null),
        NodeName = "labsite/x",
        Time = s_t,
    };

    private async Task<(IClusterInspector Remote, InMemoryCluster Local)> CreateAsync(AgentClient client, string name)
    {
        var cluster = await client.CreateAsync(new ClusterRequest(name), null, default);
        return (Assert.IsAssignableFrom<IClusterInspector>(cluster), agent.Backend.Cluster(name)!);
    }

    [Fact]
    public async Task History_arrives_as_the_backend_built_it_with_filters_applied_there()
    {
        using var client = new AgentClient(agent.SocketPath);
        var (remote, local) = await CreateAsync(client, "rt-history");
        local.RuntimeEvents!.Write(Exec("deathstar-1", "/usr/bin/cat"));
        local.RuntimeEvents.Write(Exec("xwing", "/usr/bin/curl"));

        var all = await remote.GetRuntimeEventsAsync(RuntimeEventQuery.All, default);
        var curl = await remote.GetRuntimeEventsAsync(new RuntimeEventQuery(new TetragonFilter([], ["xw"], ["curl$"], ["PROCESS_EXEC"])), default);

        Assert.Equal(local.RuntimeEvents.History(TetragonFilter.All).Select(e => e.ToJson()), all!.Select(e => e.ToJson()));
        Assert.Equal("/usr/bin/curl", Assert.Single(curl!).Process!.Binary);
    }

    [Fact]
    public async Task Follow_streams_live_events_and_a_cluster_without_a_sensor_answers_null()
    {
        using var client = new AgentClient(agent.SocketPath);
        var (remote, local) = await CreateAsync(client, "rt-follow");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var follow = Task.Run(async () =>
        {
            await foreach (var e in remote.FollowRuntimeEventsAsync(new RuntimeEventQuery(TetragonFilter.All, 0), cts.Token))
            {
                return e;
            }

            return null;
        });
        for (var i = 0; i < 500 && local.RuntimeEvents!.Followers == 0; i++)
        {
            await Task.Delay(10);
        }

        local.RuntimeEvents!.Write(Exec("tiefighter", "/usr/bin/id"));
        Assert.Equal("/usr/bin/id", (await follow)!.Process!.Binary);

        local.RuntimeEvents = null;
        Assert.Null(await remote.GetRuntimeEventsAsync(RuntimeEventQuery.All, default));
        await Assert.ThrowsAsync<ClusterException>(async () =>
        {
            await foreach (var _ in remote.FollowRuntimeEventsAsync(RuntimeEventQuery.All, default))
            {
            }
        });
    }
}
