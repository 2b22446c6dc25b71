namespace LabSite.Clusters.Netns.Workloads;

/// <summary>
/// Maps container images to built-in workloads. Any tag or digest of a known repository matches
/// (<c>quay.io/cilium/starwars@sha256:…</c> and <c>quay.io/cilium/starwars:v2.3</c> alike); Docker Hub short
/// names are normalised (<c>nginx</c> = <c>docker.io/library/nginx</c>). Anything else is unknown, and the
/// pod reports ErrImagePull naming the images we do have.
/// </summary>
public static class WorkloadCatalog
{
    private static readonly (string[] Repositories, Func<IWorkload> Create)[] s_entries =
    [
        (["quay.io/cilium/starwars", "docker.io/cilium/starwars"], () => new DeathStarWorkload()),
        (["quay.io/cilium/json-mock", "docker.io/cilium/json-mock"], () => new JsonMockWorkload()),
        (["docker.io/library/nginx", "docker.io/nginxinc/nginx-unprivileged", "registry.k8s.io/nginx-slim"], () => new NginxWorkload()),
        (["docker.io/ealen/echo-server", "docker.io/jmalloc/echo-server", "registry.k8s.io/echoserver"], () => new EchoWorkload(80)),
        (["docker.io/hashicorp/http-echo"], () => new EchoWorkload(5678)),
        (["registry.k8s.io/e2e-test-images/agnhost", "k8s.gcr.io/e2e-test-images/agnhost", "gcr.io/kubernetes-e2e-test-images/agnhost"], () => new AgnhostWorkload()),
        (["docker.io/curlimages/curl", "docker.io/nicolaka/netshoot", "docker.io/library/busybox", "docker.io/library/alpine",
          "quay.io/cilium/alpine-curl", "docker.io/library/ubuntu", "docker.io/library/debian"], () => new ClientWorkload()),
    ];

    /// <summary>The repositories we serve, for error messages and docs.</summary>
    public static IReadOnlyList<string> BuiltInImages { get; } = s_entries.SelectMany(e => e.Repositories).ToList();

    /// <summary>The workload for an image, or null with <paramref name="error"/> saying what we have instead.</summary>
    public static IWorkload? Resolve(string image, out string? error)
    {
        var repository = Repository(image);
        foreach (var (repositories, create) in s_entries)
        {
            if (repositories.Contains(repository))
            {
                error = null;
                return create();
            }
        }

        error = $"Failed to pull image \"{image}\": the netns backend runs built-in workloads only; built-in images: {string.Join(", ", BuiltInImages)}";
        return null;
    }

    /// <summary>"nginx:1.27" → "docker.io/library/nginx"; "quay.io/cilium/starwars@sha256:…" → "quay.io/cilium/starwars".</summary>
    public static string Repository(string image)
    {
        var name = image.Trim();
        var at = name.IndexOf('@');
        if (at >= 0)
        {
            name = name[..at];
        }

        var lastSlash = name.LastIndexOf('/');
        var colon = name.LastIndexOf(':');
        if (colon > lastSlash)
        {
            name = name[..colon];
        }

        var firstSlash = name.IndexOf('/');
        var first = firstSlash < 0 ? "" : name[..firstSlash];
        var hasRegistry = first.Contains('.') || first.Contains(':') || first == "localhost";
        if (!hasRegistry)
        {
            name = firstSlash < 0 ? "docker.io/library/" + name : "docker.io/" + name;
        }

        return name.ToLowerInvariant();
    }
}
