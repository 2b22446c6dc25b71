using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Policy.Api;
using LabSite.Clusters.Netns.Store;

namespace LabSite.Testing;

/// <summary>A store with a seeded random source, and the Star Wars lab's manifests (Cilium's examples/minikube) from content/.</summary>
public static class StoreFixture
{
    /// <summary>A store; with <paramref name="validatePolicies"/>, policies are refused or warned about as in a lab.</summary>
    public static ObjectStore NewStore(int seed = 7, TimeProvider? time = null, bool validatePolicies = false) =>
        new(new StoreOptions
        {
            ServiceCidr = "10.96.0.0/16",
            Random = new Random(seed),
            Time = time ?? TimeProvider.System,
            PolicyValidator = validatePolicies ? new PolicyValidator() : null,
        });

    public static ManifestText Data(string file) =>
        new(File.ReadAllText(RepositoryPaths.StarWarsManifest(file)), file);

    public static ManifestText Yaml(string text, string source = "test.yaml") => new(text, source);
}
