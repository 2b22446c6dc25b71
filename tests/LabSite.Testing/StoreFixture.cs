using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Store;

namespace LabSite.Testing;

/// <summary>A store with a seeded random source, and the Star Wars lab's manifests (Cilium's examples/minikube) from content/.</summary>
public static class StoreFixture
{
    public static ObjectStore NewStore(int seed = 7, TimeProvider? time = null) =>
        new(new StoreOptions { ServiceCidr = "10.96.0.0/16", Random = new Random(seed), Time = time ?? TimeProvider.System });

    public static ManifestText Data(string file) =>
        new(File.ReadAllText(RepositoryPaths.StarWarsManifest(file)), file);

    public static ManifestText Yaml(string text, string source = "test.yaml") => new(text, source);
}
