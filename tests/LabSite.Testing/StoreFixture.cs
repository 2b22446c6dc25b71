using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Store;

namespace LabSite.Testing;

/// <summary>A store with a seeded random source, and the reference Star Wars manifests (Cilium's examples/minikube).</summary>
public static class StoreFixture
{
    public static ObjectStore NewStore(int seed = 7) => new(new StoreOptions { ServiceCidr = "10.96.0.0/16", Random = new Random(seed) });

    public static ManifestText Data(string file) =>
        new(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Netns", "Store", "TestData", file)), file);

    public static ManifestText Yaml(string text, string source = "test.yaml") => new(text, source);
}
