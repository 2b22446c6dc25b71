using BenchmarkDotNet.Attributes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Store;
using LabSite.Testing;

namespace LabSite.Benchmarks.Store;

/// <summary>
/// The object store on the Star Wars demo: parse + validate + commit + controllers, a no-op re-apply,
/// a labelled get, and a pod status report (which recomputes Endpoints and Deployment status).
/// </summary>
[MemoryDiagnoser]
public class ObjectStoreBenchmarks
{
    private static readonly ManifestText s_demo = new(File.ReadAllText(RepositoryPaths.StarWarsManifest("http-sw-app.yaml")), "http-sw-app.yaml");
    private ObjectStore _loaded = null!;
    private KubeObject _pod = null!;

    [GlobalSetup]
    public void Setup()
    {
        _loaded = NewStore();
        _loaded.Apply(s_demo, ApplyMode.Apply);
        _pod = _loaded.Get(new ObjectQuery("pods", Name: "xwing"))[0];
    }

    private static ObjectStore NewStore() => new(new StoreOptions { ServiceCidr = "10.96.0.0/16", Random = new Random(1) });

    [Benchmark(Description = "new store + create the Star Wars demo")]
    public ApplyResult CreateDemo() => NewStore().Apply(s_demo, ApplyMode.Create);

    [Benchmark(Description = "re-apply the demo (all unchanged)")]
    public ApplyResult ReapplyUnchanged() => _loaded.Apply(s_demo, ApplyMode.Apply);

    [Benchmark(Description = "get pods -l org=empire")]
    public int GetBySelector() => _loaded.Get(new ObjectQuery("pods", LabelSelector: "org=empire")).Count;

    [Benchmark(Description = "pod status update (Endpoints + Deployment follow)")]
    public bool UpdateStatus() => _loaded.UpdatePodStatus("default", "xwing", PodStatus.Running(_pod, "10.1.0.9", "10.1.0.1", DateTimeOffset.UnixEpoch));
}
