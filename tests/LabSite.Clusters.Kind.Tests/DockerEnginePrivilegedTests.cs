using Docker.DotNet;
using Docker.DotNet.Models;

namespace LabSite.Clusters.Kind.Tests;

/// <summary>Every Docker engine operation of the kind backend against the real dockerd, with node containers from a locally built image.</summary>
public sealed class DockerEnginePrivilegedTests(DockerFixture docker) : IClassFixture<DockerFixture>
{
    private static string Unique(string what) => $"labsite-{what}{Guid.NewGuid():N}"[..24];

    [Fact]
    public async Task Lists_node_containers_of_one_cluster_by_label_and_never_the_users_own()
    {
        var ours = Unique("a");
        var other = Unique("b");
        var users = "user" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            await docker.StartNodeAsync(ours, "control-plane");
            await docker.StartNodeAsync(ours, "worker");
            await docker.StartNodeAsync(other, "control-plane");
            await docker.StartNodeAsync(users, "control-plane");

            var nodes = await docker.Nodes.ListAsync(ours, default);
            Assert.Equal(2, nodes.Count);
            Assert.All(nodes, n => Assert.Equal(ours, n.Cluster));
            Assert.Equal(["control-plane", "worker"], nodes.Select(n => n.Role).Order());
            Assert.All(nodes, n => Assert.Equal("running", n.State));

            var all = await docker.Nodes.ListAsync(null, default);
            Assert.Contains(all, n => n.Cluster == other);
            Assert.DoesNotContain(all, n => n.Cluster == users);
            Assert.Empty(await docker.Nodes.ListAsync(users, default));
        }
        finally
        {
            await docker.RemoveClusterAsync(ours);
            await docker.RemoveClusterAsync(other);
            await docker.RemoveClusterAsync(users);
        }
    }

    [Fact]
    public async Task Limits_memory_and_cpu_of_every_node_of_a_cluster()
    {
        var cluster = Unique("l");
        var untouched = Unique("u");
        try
        {
            var a = await docker.StartNodeAsync(cluster, "control-plane");
            var b = await docker.StartNodeAsync(cluster, "worker");
            var c = await docker.StartNodeAsync(untouched, "worker");
            Assert.Equal(2, await docker.Nodes.LimitAsync(cluster, 256, 0.5, default));
            foreach (var id in new[] { a, b })
            {
                var host = (await docker.Docker.Containers.InspectContainerAsync(id)).HostConfig;
                Assert.Equal(256L * 1024 * 1024, host.Memory);
                Assert.Equal(500_000_000L, host.NanoCPUs);
            }
            Assert.Equal(0, (await docker.Docker.Containers.InspectContainerAsync(c)).HostConfig.Memory);
        }
        finally
        {
            await docker.RemoveClusterAsync(cluster);
            await docker.RemoveClusterAsync(untouched);
        }
    }

    [Fact]
    public async Task Removes_running_and_stopped_nodes_and_tolerates_ones_already_gone()
    {
        var cluster = Unique("r");
        var a = await docker.StartNodeAsync(cluster, "control-plane");
        await docker.StartNodeAsync(cluster, "worker");
        await docker.Docker.Containers.StopContainerAsync(a, new ContainerStopParameters { WaitBeforeKillSeconds = 0 });
        var nodes = await docker.Nodes.ListAsync(cluster, default);
        Assert.Contains(nodes, n => n.State == "exited");
        Assert.Equal(2, await docker.Nodes.RemoveAsync(nodes, default));
        Assert.Empty(await docker.Nodes.ListAsync(cluster, default));
        Assert.Equal(0, await docker.Nodes.RemoveAsync(nodes, default));
    }

    [Fact]
    public async Task Removes_a_network_only_once_no_node_uses_it()
    {
        var cluster = Unique("n");
        var net = Unique("net");
        await docker.Docker.Networks.CreateNetworkAsync(new NetworksCreateParameters { Name = net });
        try
        {
            await docker.StartNodeAsync(cluster, "control-plane", net);
            Assert.Equal(0, await docker.Nodes.RemoveUnusedNetworkAsync(net, default));
            await docker.Nodes.RemoveAsync(await docker.Nodes.ListAsync(cluster, default), default);
            Assert.Equal(1, await docker.Nodes.RemoveUnusedNetworkAsync(net, default));
            Assert.DoesNotContain(await docker.Docker.Networks.ListNetworksAsync(), n => n.Name == net);
            Assert.Equal(0, await docker.Nodes.RemoveUnusedNetworkAsync(net, default));
        }
        finally
        {
            await docker.RemoveClusterAsync(cluster);
            try { await docker.Docker.Networks.DeleteNetworkAsync(net); } catch (DockerNetworkNotFoundException) { }
        }
    }

    [Fact]
    public async Task Loads_an_image_archive_and_reports_which_images_are_present()
    {
        var tag = Unique("img");
        await docker.Docker.Images.TagImageAsync(DockerFixture.Image, new ImageTagParameters { RepositoryName = tag, Tag = "v1" });
        using var archive = new MemoryStream();
        await using (var saved = await docker.Docker.Images.SaveImageAsync($"{tag}:v1"))
        {
            await saved.CopyToAsync(archive);
        }
        await docker.Docker.Images.DeleteImageAsync($"{tag}:v1", new ImageDeleteParameters());
        Assert.Empty(await docker.Nodes.PresentAsync([$"{tag}:v1"], default));

        archive.Position = 0;
        await docker.Nodes.LoadImageAsync(archive, default);
        Assert.Equal([$"{tag}:v1"], await docker.Nodes.PresentAsync([$"{tag}:v1", "labsite-absent/none:0"], default));
        await docker.Docker.Images.DeleteImageAsync($"{tag}:v1", new ImageDeleteParameters());
    }

    [Fact]
    public async Task A_corrupt_image_archive_is_an_error_and_loads_nothing()
    {
        using var junk = new MemoryStream("not a tar archive"u8.ToArray());
        var e = await Assert.ThrowsAnyAsync<Exception>(() => docker.Nodes.LoadImageAsync(junk, default));
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
    }

    [Fact]
    public async Task Reports_the_engine_version()
    {
        Assert.Matches(@"^\d+\.\d+", await docker.Nodes.VersionAsync(default));
    }
}
