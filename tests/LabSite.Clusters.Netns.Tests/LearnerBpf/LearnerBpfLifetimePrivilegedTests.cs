using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.LearnerBpf;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.LearnerBpf;

/// <summary>A learner's programs go with what they are attached to: the pod, and the whole lab.</summary>
[Trait("Category", "Privileged")]
public sealed class LearnerBpfLifetimePrivilegedTests
{
    [Fact]
    public async Task DeletingThePodOrTheLabRemovesTheLearnersPrograms()
    {
        var backend = new NetnsBackend(NetnsTestLabs.Options());
        await backend.StartAsync(CancellationToken.None);
        var lab = await backend.CreateAsync(new ClusterRequest("bpfgone"), null, CancellationToken.None);
        try
        {
            await NetnsTestLabs.StartStarWarsAsync(lab);
            var source = new Dictionary<string, byte[]> { ["counter.c"] = System.Text.Encoding.UTF8.GetBytes(LearnerPrograms.Counter) };
            var compiled = await lab.CompileBpfAsync(new BpfCompileRequest(ClangArguments.Parse(["-O2", "-target", "bpf", "-c", "counter.c"]), source), CancellationToken.None);
            Assert.True(compiled.ExitCode == 0, compiled.Diagnostics);

            var onXwing = await lab.LoadBpfAsync(new LearnerBpfLoadRequest("onxwing", compiled.Object!, "default", "xwing", BpfHook.Egress), CancellationToken.None);
            var onTie = await lab.LoadBpfAsync(new LearnerBpfLoadRequest("ontie", compiled.Object!, "default", "tiefighter", BpfHook.Ingress), CancellationToken.None);
            Assert.True(await ProgramExistsAsync(onXwing.ProgramId));

            Assert.True(await lab.DeletePodAsync("default", "xwing", CancellationToken.None));
            Assert.Equal(["ontie"], (await lab.ListBpfAsync(CancellationToken.None)).Select(p => p.Name));
            Assert.False(Directory.Exists(onXwing.PinDirectory));
            Assert.True(await ProgramGoneAsync(onXwing.ProgramId));

            await backend.DestroyAsync("bpfgone", CancellationToken.None);
            Assert.False(Directory.Exists(onTie.PinDirectory));
            Assert.True(await ProgramGoneAsync(onTie.ProgramId));
        }
        finally
        {
            await backend.DestroyAsync("bpfgone", CancellationToken.None);
            await backend.CollectGarbageAsync(CancellationToken.None);
            NetnsTestLabs.DeleteRoots(backend.Options);
        }
    }

    private static async Task<bool> ProgramExistsAsync(uint id)
    {
        using var bpftool = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/usr/sbin/bpftool", ["prog", "show", "id", id.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        await bpftool.WaitForExitAsync();
        return bpftool.ExitCode == 0;
    }

    /// <summary>The kernel frees a program shortly after its last reference goes (after an RCU grace period): ask a few times.</summary>
    private static async Task<bool> ProgramGoneAsync(uint id)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (!await ProgramExistsAsync(id))
            {
                return true;
            }
            await Task.Delay(50);
        }
        return false;
    }
}
