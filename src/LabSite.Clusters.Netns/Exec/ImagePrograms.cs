using LabSite.Clusters.Netns.Pods;
using LabSite.Clusters.Netns.Workloads;

namespace LabSite.Clusters.Netns.Exec;

/// <summary>
/// Programs a container's image brings beside the common allow-list, by their path in the sandbox: an agnhost
/// container has <c>/agnhost</c> (its <c>connect</c> subcommand, built from <c>podtools/agnhost.c</c>), as the real
/// image has it at its root.
/// </summary>
public static class ImagePrograms
{
    public const string AgnhostPath = "/agnhost";

    /// <summary>Where the built pod tools are: <c>podtools/</c> beside this assembly (see PodToolsBuild.targets).</summary>
    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "podtools");

    /// <summary>Sandbox path → host file for <paramref name="container"/>'s image; empty for most images.</summary>
    public static IReadOnlyDictionary<string, string> For(ContainerSpec container, string? directory = null)
    {
        if (WorkloadCatalog.Resolve(container.Image, out _) is AgnhostWorkload)
        {
            return new Dictionary<string, string>(StringComparer.Ordinal) { [AgnhostPath] = Path.Combine(directory ?? DefaultDirectory, "agnhost") };
        }
        return new Dictionary<string, string>(StringComparer.Ordinal);
    }
}
