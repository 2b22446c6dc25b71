using Docker.DotNet;
using Docker.DotNet.Models;

namespace LabSite.Clusters.Kind.Docker;

/// <summary>One node container of a kind cluster, as the Docker engine lists it.</summary>
public sealed record NodeContainer(string Id, string Name, string Cluster, string? Role, string State, IReadOnlyDictionary<string, string> Labels);

/// <summary>
/// The Docker engine operations of the kind backend, all by label, never by name: kind labels every node container
/// with <see cref="ClusterLabel"/> = cluster name and <see cref="RoleLabel"/>; our clusters are the ones whose name
/// starts with <see cref="KindNames.Prefix"/>. Lists, limits and removes node containers, removes networks, loads
/// image archives.
/// </summary>
public sealed class NodeContainers(IDockerClient docker) : IDisposable
{
    public const string ClusterLabel = "io.x-k8s.kind.cluster";
    public const string RoleLabel = "io.x-k8s.kind.role";

    public NodeContainers(string endpoint) : this(new DockerClientConfiguration(new Uri(endpoint)).CreateClient()) { }

    public IDockerClient Docker => docker;

    /// <summary>The engine's version, or a one-line reason it does not answer.</summary>
    public async Task<string> VersionAsync(CancellationToken ct) => (await docker.System.GetVersionAsync(ct)).Version;

    /// <summary>Node containers of one cluster (null = of every cluster we own), running or not.</summary>
    public async Task<IReadOnlyList<NodeContainer>> ListAsync(string? cluster, CancellationToken ct)
    {
        var label = cluster is null ? ClusterLabel : $"{ClusterLabel}={cluster}";
        var list = await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [label] = true } },
        }, ct);
        return [.. list
            .Select(c => new NodeContainer(c.ID, c.Names.FirstOrDefault()?.TrimStart('/') ?? c.ID, c.Labels[ClusterLabel],
                c.Labels.TryGetValue(RoleLabel, out var role) ? role : null, c.State, c.Labels.AsReadOnly()))
            .Where(c => KindNames.IsOurs(c.Cluster))
            .OrderBy(c => c.Name, StringComparer.Ordinal)];
    }

    /// <summary>Caps memory (MiB) and CPUs of each node container of <paramref name="cluster"/>; returns how many were limited.</summary>
    public async Task<int> LimitAsync(string cluster, int memoryMiB, double cpus, CancellationToken ct)
    {
        var nodes = await ListAsync(cluster, ct);
        foreach (var node in nodes)
        {
            var update = new ContainerUpdateParameters();
            if (memoryMiB > 0)
            {
                update.Memory = memoryMiB * 1024L * 1024L;
                update.MemorySwap = update.Memory; // no swap beyond the limit: a lab that outgrows it is stopped, not slowed to a crawl
            }
            if (cpus > 0)
            {
                update.NanoCPUs = (long)(cpus * 1_000_000_000);
            }
            await docker.Containers.UpdateContainerAsync(node.Id, update, ct);
        }
        return nodes.Count;
    }

    /// <summary>Removes node containers (forced, with their anonymous volumes); returns how many.</summary>
    public async Task<int> RemoveAsync(IEnumerable<NodeContainer> nodes, CancellationToken ct)
    {
        var n = 0;
        foreach (var node in nodes)
        {
            try
            {
                await docker.Containers.RemoveContainerAsync(node.Id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, ct);
                n++;
            }
            catch (DockerContainerNotFoundException)
            {
                // already gone (kind delete raced us): that is the state we want
            }
        }
        return n;
    }

    /// <summary>
    /// Removes networks with <paramref name="name"/> that no container uses any more (kind's shared "kind" network is
    /// left while another cluster still has nodes on it); returns how many were removed.
    /// </summary>
    public async Task<int> RemoveUnusedNetworkAsync(string name, CancellationToken ct)
    {
        var nets = await docker.Networks.ListNetworksAsync(new NetworksListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["name"] = new Dictionary<string, bool> { [name] = true } },
        }, ct);
        var n = 0;
        foreach (var net in nets.Where(x => x.Name == name))
        {
            var detail = await docker.Networks.InspectNetworkAsync(net.ID, ct);
            if (detail.Containers is { Count: > 0 })
            {
                continue;
            }
            await docker.Networks.DeleteNetworkAsync(net.ID, ct);
            n++;
        }
        return n;
    }

    /// <summary>Loads an image archive (<c>docker save</c> format) into the engine.</summary>
    public async Task LoadImageAsync(Stream archive, CancellationToken ct)
    {
        string? error = null;
        await docker.Images.LoadImageAsync(new ImageLoadParameters { Quiet = true }, archive,
            new Progress<JSONMessage>(m => error ??= m.ErrorMessage ?? m.Error?.Message), ct);
        if (error is not null)
        {
            throw new Contract.ClusterException($"docker load: {error}");
        }
    }

    /// <summary>Which of <paramref name="images"/> the engine has (so preload only sends those and reports the rest).</summary>
    public async Task<IReadOnlyList<string>> PresentAsync(IEnumerable<string> images, CancellationToken ct)
    {
        var present = new List<string>();
        foreach (var image in images)
        {
            try
            {
                await docker.Images.InspectImageAsync(image, ct);
                present.Add(image);
            }
            catch (DockerImageNotFoundException)
            {
            }
        }
        return present;
    }

    public void Dispose() => docker.Dispose();
}
