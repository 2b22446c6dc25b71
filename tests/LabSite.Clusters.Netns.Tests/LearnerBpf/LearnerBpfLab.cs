using System.Text;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.LearnerBpf;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.LearnerBpf;

/// <summary>One Star Wars lab shared by the learner-program tests; tearing it down fails if anything of the learner's is left.</summary>
public sealed class LearnerBpfLab : IAsyncLifetime
{
    public const string Deathstar = "deathstar-6fb5694d48-5hmds";

    public NetnsBackend Backend { get; } = new(NetnsTestLabs.Options());

    public NetnsCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Backend.StartAsync(CancellationToken.None);
        Cluster = await Backend.CreateAsync(new ClusterRequest("learnerbpf"), null, CancellationToken.None);
        await NetnsTestLabs.StartStarWarsAsync(Cluster);
    }

    public async Task DisposeAsync()
    {
        await Backend.DestroyAsync("learnerbpf", CancellationToken.None);
        await Backend.CollectGarbageAsync(CancellationToken.None);
        NetnsTestLabs.DeleteRoots(Backend.Options);
    }

    /// <summary>Compiles <paramref name="source"/> as prog.c with the lab's sandboxed clang: the result, good or not.</summary>
    public Task<BpfCompileResult> CompileAsync(string source, params string[] extraFlags) =>
        Cluster.CompileBpfAsync(
            new BpfCompileRequest(ClangArguments.Parse(["-O2", "-target", "bpf", .. extraFlags, "-c", "prog.c"]), new Dictionary<string, byte[]> { ["prog.c"] = Encoding.UTF8.GetBytes(source) }),
            CancellationToken.None);

    /// <summary>The object of a source that must compile.</summary>
    public async Task<byte[]> ObjectAsync(string source)
    {
        var result = await CompileAsync(source);
        Assert.True(result.ExitCode == 0, $"clang failed ({result.ExitCode}): {result.Diagnostics}");
        return result.Object!;
    }

    public Task<LearnerBpfProgram> LoadAsync(string name, byte[] obj, string pod = Deathstar, BpfHook hook = BpfHook.Ingress, string ns = "default") =>
        Cluster.LoadBpfAsync(new LearnerBpfLoadRequest(name, obj, ns, pod, hook), CancellationToken.None);

    /// <summary>The refusal of loading <paramref name="obj"/>: a <see cref="ClusterException"/>, and nothing left loaded.</summary>
    public async Task<string> RefusalAsync(byte[] obj, string pod = Deathstar, string ns = "default", string name = "refused")
    {
        try
        {
            await LoadAsync(name, obj, pod, ns: ns);
        }
        catch (ClusterException e)
        {
            Assert.DoesNotContain(await Cluster.ListBpfAsync(CancellationToken.None), p => p.Name == name);
            Assert.True(name.Length == 0 || !Directory.Exists(Path.Combine(Cluster.Names.BpffsDirectory, "learner", name)), "a refused load left pins behind");
            return e.Message;
        }

        await Cluster.UnloadBpfAsync(name, CancellationToken.None);
        Assert.Fail($"the load of {name} on {ns}/{pod} was accepted");
        return "";
    }
}
