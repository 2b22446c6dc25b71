using System.Formats.Tar;
using Docker.DotNet;
using Docker.DotNet.Models;
using LabSite.Clusters.Kind.Docker;

namespace LabSite.Clusters.Kind.Tests;

/// <summary>
/// Debian's dockerd (started by scripts/setup.sh test) and an image built here, not pulled: a rootfs tar with
/// /bin/sleep and its loader and libc, imported through the engine API (what <c>docker import</c> does).
/// </summary>
public sealed class DockerFixture : IAsyncLifetime
{
    public const string Image = "labsite-kindtest/sleep:1";

    public NodeContainers Nodes { get; } = new("unix:///var/run/docker.sock");

    public IDockerClient Docker => Nodes.Docker;

    public async Task InitializeAsync()
    {
        using var tar = new MemoryStream();
        await using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var file in new[] { "/bin/sleep", "/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2" })
            {
                // the loader is a symlink on Debian: store the file it points at under the link's name
                var real = new FileInfo(file).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? file;
                await writer.WriteEntryAsync(real, file.TrimStart('/'));
            }
        }
        tar.Position = 0;
        await Docker.Images.CreateImageAsync(new ImagesCreateParameters { FromSrc = "-", Repo = "labsite-kindtest/sleep", Tag = "1" }, tar, null, new Progress<JSONMessage>());
    }

    /// <summary>Starts a container labelled as kind labels a node of <paramref name="cluster"/>.</summary>
    public async Task<string> StartNodeAsync(string cluster, string role, string? network = null)
    {
        var name = $"{cluster}-{role}-{Guid.NewGuid():N}"[..Math.Min(60, cluster.Length + role.Length + 34)];
        var created = await Docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = Image,
            Name = name,
            Cmd = ["/bin/sleep", "3600"],
            Labels = new Dictionary<string, string> { [NodeContainers.ClusterLabel] = cluster, [NodeContainers.RoleLabel] = role },
            HostConfig = new HostConfig { NetworkMode = network ?? "none" },
        });
        await Docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
        return created.ID;
    }

    /// <summary>Removes what a test left (every container with a test cluster's label).</summary>
    public async Task RemoveClusterAsync(string cluster)
    {
        var list = await Docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{NodeContainers.ClusterLabel}={cluster}"] = true } },
        });
        foreach (var c in list)
        {
            await Docker.Containers.RemoveContainerAsync(c.ID, new ContainerRemoveParameters { Force = true });
        }
    }

    public Task DisposeAsync()
    {
        Nodes.Dispose();
        return Task.CompletedTask;
    }
}
