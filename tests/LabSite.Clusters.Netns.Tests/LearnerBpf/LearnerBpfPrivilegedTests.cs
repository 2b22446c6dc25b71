using System.Buffers.Binary;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.LearnerBpf;
using LabSite.Clusters.Netns.Bpf;
using LabSite.Clusters.Netns.Bpf.Interop;
using LabSite.Clusters.Netns.Kernel;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.LearnerBpf;

/// <summary>
/// A learner's own program on the real kernel: compiled by the sandboxed clang, loaded, attached inside the Death Star
/// pod, counting real traffic, listed, unloaded; and everything a hostile learner might try instead, refused with a reason.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class LearnerBpfPrivilegedTests(LearnerBpfLab lab) : IClassFixture<LearnerBpfLab>
{
    [Fact]
    public async Task CounterOnTheDeathstarCountsItsTrafficAndUnloadsCleanly()
    {
        var loaded = await lab.LoadAsync("counter", await lab.ObjectAsync(LearnerPrograms.Counter));
        try
        {
            Assert.Equal(("default", LearnerBpfLab.Deathstar, "eth0", BpfHook.Ingress, "sched_cls", "count_packets"),
                (loaded.Namespace, loaded.Pod, loaded.Interface, loaded.Hook, loaded.ProgramType, loaded.ProgramName));
            Assert.Equal(loaded.ProgramId, await AttachedIdAsync(LearnerBpfLab.Deathstar, TcAttachPoint.Ingress));
            var map = Assert.Single(loaded.Maps);
            Assert.Equal(("packets", "array", 0ul), (map.Name, map.Type, map.ValueSum));

            // bpftool in the lab shell sees exactly the lab's objects: the learner's program and map are among them.
            var objects = await lab.Cluster.GetBpfObjectsAsync(CancellationToken.None);
            Assert.Contains(loaded.ProgramId, objects.Ids(BpfObjectKind.Program));
            Assert.Contains(map.Id, objects.Ids(BpfObjectKind.Map));

            var deathstarIp = lab.Cluster.FindPod("default", LearnerBpfLab.Deathstar)!.Ip;
            var r = await NetnsTestLabs.ExecAsync(lab.Cluster, "tiefighter", "curl", "-s", "-XPOST", $"http://{deathstarIp}/v1/request-landing");
            Assert.Equal("Ship landed\n", r.Stdout);

            var counted = Assert.Single(Assert.Single(await lab.Cluster.ListBpfAsync(CancellationToken.None)).Maps).ValueSum;
            Assert.True(counted >= 3, $"a TCP exchange brings at least 3 packets into the pod; counted {counted}");
        }
        finally
        {
            Assert.True(await lab.Cluster.UnloadBpfAsync("counter", CancellationToken.None));
        }

        Assert.Null(await AttachedIdAsync(LearnerBpfLab.Deathstar, TcAttachPoint.Ingress));
        Assert.Empty(await lab.Cluster.ListBpfAsync(CancellationToken.None));
        Assert.False(Directory.Exists(loaded.PinDirectory));
        Assert.DoesNotContain(loaded.ProgramId, (await lab.Cluster.GetBpfObjectsAsync(CancellationToken.None)).Ids(BpfObjectKind.Program));
    }

    [Fact]
    public async Task AProgramOnThePodsEgressLeavesCiliumsProgramsOnTheNodeInPlace()
    {
        // The learner's hook is inside the pod; Cilium's programs stay on the node's side of the veth, untouched.
        var pod = lab.Cluster.FindPod("default", "xwing")!;
        var cilium = await NetnsThread.RunAsync(LabNames.NetnsPath(lab.Cluster.Names.NodeNetns), () =>
            BpfTc.QueryProgramId((int)System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces().Single(i => i.Name == pod.NodeVeth).GetIPProperties().GetIPv4Properties().Index, TcAttachPoint.Ingress));
        var loaded = await lab.LoadAsync("egress", await lab.ObjectAsync(LearnerPrograms.Counter), "xwing", BpfHook.Egress);
        try
        {
            Assert.Equal(loaded.ProgramId, await AttachedIdAsync("xwing", TcAttachPoint.Egress));
            var after = await NetnsThread.RunAsync(LabNames.NetnsPath(lab.Cluster.Names.NodeNetns), () =>
                BpfTc.QueryProgramId((int)System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces().Single(i => i.Name == pod.NodeVeth).GetIPProperties().GetIPv4Properties().Index, TcAttachPoint.Ingress));
            Assert.NotNull(cilium);
            Assert.Equal(cilium, after);
        }
        finally
        {
            await lab.Cluster.UnloadBpfAsync("egress", CancellationToken.None);
        }
    }

    [Fact]
    public async Task SocketFilterCountsThePodsPackets()
    {
        var loaded = await lab.LoadAsync("sockcount", await lab.ObjectAsync(LearnerPrograms.SocketCounter), "tiefighter");
        try
        {
            Assert.Equal(("socket_filter", (BpfHook?)null), (loaded.ProgramType, loaded.Hook));
            await NetnsTestLabs.ExecAsync(lab.Cluster, "tiefighter", "curl", "-s", "-XPOST", "deathstar.default.svc.cluster.local/v1/request-landing");
            var counted = Assert.Single(Assert.Single(await lab.Cluster.ListBpfAsync(CancellationToken.None)).Maps).ValueSum;
            Assert.True(counted > 0, $"the packet socket saw {counted} packets");
        }
        finally
        {
            await lab.Cluster.UnloadBpfAsync("sockcount", CancellationToken.None);
        }
    }

    [Fact]
    public async Task TheVerifiersRejectionIsShownWithItsLog()
    {
        var message = await lab.RefusalAsync(await lab.ObjectAsync(LearnerPrograms.CounterWithoutNullCheck));
        Assert.Contains("verifier rejected program count_packets", message);
        Assert.Contains("map_value_or_null", message);
    }

    [Fact]
    public async Task AnEndlessLoopIsRejectedWithTheVerifiersReason()
    {
        var message = await lab.RefusalAsync(await lab.ObjectAsync(LearnerPrograms.EndlessLoop));
        Assert.Contains("verifier rejected program spin", message);
        Assert.Contains("infinite loop detected", message);
    }

    [Theory]
    [InlineData("kprobe/do_sys_open", "kprobe")]
    [InlineData("xdp", "xdp")]
    [InlineData("cgroup_skb/ingress", "cgroup_skb")]
    [InlineData("tracepoint/syscalls/sys_enter_openat", "tracepoint")]
    public async Task OtherProgramTypesAreRefused(string section, string type)
    {
        var message = await lab.RefusalAsync(await lab.ObjectAsync(LearnerPrograms.InSection(section)));
        Assert.Contains($"has type {type}", message);
        Assert.Contains("sched_cls", message);
    }

    [Theory]
    [InlineData(23, "bpf_redirect")]
    [InlineData(36, "bpf_probe_write_user")]
    [InlineData(6, "bpf_trace_printk")]
    [InlineData(9, "bpf_skb_store_bytes")]
    [InlineData(12, "bpf_tail_call")]
    [InlineData(999, "helper 999")]
    public async Task HelpersOutsideTheAllowListAreRefused(int helper, string name)
    {
        var message = await lab.RefusalAsync(await lab.ObjectAsync(LearnerPrograms.CallingHelper(helper)));
        Assert.Contains($"calls {name}, which learner programs may not use", message);
    }

    [Fact]
    public async Task AHugeProgramIsRefused()
    {
        var message = await lab.RefusalAsync(await lab.ObjectAsync(LearnerPrograms.Huge(3000)));
        Assert.Contains("more than 4096 instructions", message);
    }

    [Theory]
    [InlineData(5, 2, 1, 8, "5 maps")]
    [InlineData(1, 2, 100000, 8, "max_entries 100000")]
    [InlineData(1, 1, 16, 4096, "4096-byte values")]
    [InlineData(1, 9, 16, 8, "has type 9")]
    public async Task MapsBeyondTheCapsAreRefused(int count, int type, int maxEntries, int valueBytes, string expected)
    {
        var maps = Enumerable.Repeat((type, maxEntries, valueBytes), count).ToArray();
        var message = await lab.RefusalAsync(await lab.ObjectAsync(LearnerPrograms.WithMaps(maps)));
        Assert.Contains(expected, message);
    }

    [Fact]
    public async Task AMapPinnedByNameCannotReuseAnotherObject()
    {
        var message = await lab.RefusalAsync(await lab.ObjectAsync(LearnerPrograms.PinnedByName));
        Assert.Contains("pinned by name", message);
    }

    [Theory]
    [InlineData(LearnerPrograms.KconfigExtern, ".kconfig")]
    [InlineData(LearnerPrograms.KfuncExtern, ".ksyms")]
    public async Task KernelSymbolImportsAreRefused(string source, string section)
    {
        var message = await lab.RefusalAsync(await lab.ObjectAsync(source));
        Assert.True(message.Contains(section, StringComparison.Ordinal) || message.Contains("extern symbol", StringComparison.Ordinal), message);
    }

    [Fact]
    public async Task MalformedObjectsAreRefusedWithoutHarm()
    {
        var good = await lab.ObjectAsync(LearnerPrograms.Counter);
        Assert.Contains("not an ELF", await lab.RefusalAsync("hello, kernel"u8.ToArray()));
        Assert.Contains("not an ELF", await lab.RefusalAsync([]));

        var truncated = good[..(good.Length / 2)];
        Assert.Contains("malformed ELF", await lab.RefusalAsync(truncated));

        var x86 = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(x86.AsSpan(18), 62);
        Assert.Contains("not eBPF", await lab.RefusalAsync(x86));

        var badSections = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(badSections.AsSpan(0x28), 0x7fff_ffff_ffff);
        Assert.Contains("malformed ELF", await lab.RefusalAsync(badSections));

        var random = new byte[4096];
        new Random(17).NextBytes(random);
        good.AsSpan(0, 20).CopyTo(random);
        await lab.RefusalAsync(random);
    }

    [Fact]
    public async Task ARawMapReferenceInTheCodeIsRefused()
    {
        var obj = await lab.ObjectAsync(LearnerPrograms.Counter);
        // The counter's map reference is a 64-bit load (opcode 0x18) libbpf relocates; marking it by hand as a raw map fd
        // (src_reg 1) would hand the kernel a descriptor of the object's choosing.
        var at = FindInstruction(obj, 0x18);
        obj[at + 1] = (byte)((obj[at + 1] & 0x0f) | 0x10);
        Assert.Contains("64-bit load of kind 1", await lab.RefusalAsync(obj));
    }

    [Theory]
    [InlineData("default", "no-such-pod")]
    [InlineData("kube-system", "cilium")]
    [InlineData("default", "../node")]
    [InlineData("other-lab", LearnerBpfLab.Deathstar)]
    public async Task OnlyTheLabsOwnPodsCanBeTargets(string ns, string pod)
    {
        var message = await lab.RefusalAsync(await lab.ObjectAsync(LearnerPrograms.Counter), pod, ns);
        Assert.Contains("attach to your lab's pods only", message);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("Upper")]
    [InlineData("a/b")]
    [InlineData("")]
    public async Task NamesArePlain(string name)
    {
        var message = await lab.RefusalAsync(await lab.ObjectAsync(LearnerPrograms.Counter), name: name);
        Assert.Contains("must be 1-32 lowercase letters", message);
    }

    [Fact]
    public async Task LoadingTwiceIsRefusedAndUnloadFrees()
    {
        var obj = await lab.ObjectAsync(LearnerPrograms.Counter);
        await lab.LoadAsync("twice", obj, "tiefighter");
        try
        {
            var e = await Assert.ThrowsAsync<ClusterException>(() => lab.LoadAsync("twice", obj, "tiefighter"));
            Assert.Contains("already loaded", e.Message);
        }
        finally
        {
            Assert.True(await lab.Cluster.UnloadBpfAsync("twice", CancellationToken.None));
        }

        Assert.False(await lab.Cluster.UnloadBpfAsync("twice", CancellationToken.None));
        var again = await lab.LoadAsync("twice", obj, "tiefighter");
        Assert.True(await lab.Cluster.UnloadBpfAsync("twice", CancellationToken.None));
        Assert.Null(await AttachedIdAsync("tiefighter", TcAttachPoint.Ingress));
        Assert.NotEqual(0u, again.ProgramId);
    }

    [Fact]
    public async Task AtMostFourProgramsPerLab()
    {
        var obj = await lab.ObjectAsync(LearnerPrograms.Counter);
        var names = Enumerable.Range(0, 4).Select(i => $"many{i}").ToList();
        try
        {
            foreach (var name in names)
            {
                await lab.LoadAsync(name, obj, "xwing");
            }
            Assert.Contains("the most it may hold", await lab.RefusalAsync(obj, "xwing", name: "many4"));
        }
        finally
        {
            foreach (var name in names)
            {
                await lab.Cluster.UnloadBpfAsync(name, CancellationToken.None);
            }
        }
    }

    [Fact]
    public async Task ClangSeesOnlyTheLearnersFilesAndLabSitesHeaders()
    {
        var hostHeader = await lab.CompileAsync("#include <linux/bpf.h>\n");
        Assert.NotEqual(0, hostHeader.ExitCode);
        Assert.Contains("'linux/bpf.h' file not found", hostHeader.Diagnostics);

        var hostFile = await lab.CompileAsync("#include \"/etc/shadow\"\n");
        Assert.NotEqual(0, hostFile.ExitCode);
        Assert.Contains("file not found", hostFile.Diagnostics);
        Assert.Null(hostFile.Object);

        var error = await lab.CompileAsync("int broken(void) { return }\n");
        Assert.NotEqual(0, error.ExitCode);
        Assert.Contains("prog.c:1:", error.Diagnostics);
    }

    [Theory]
    [InlineData("-Xclang", "-load")]
    [InlineData("-fplugin=/tmp/x.so")]
    [InlineData("-o", "/tmp/x.o")]
    [InlineData("-I/etc")]
    [InlineData("../prog.c")]
    public void ClangOptionsOutsideTheListAreRefused(params string[] words)
    {
        var e = Assert.Throws<ArgumentException>(() => ClangArguments.Parse(["-O2", "-target", "bpf", "-c", .. words]));
        Assert.StartsWith("clang: ", e.Message);
    }

    private async Task<uint?> AttachedIdAsync(string pod, TcAttachPoint point)
    {
        var netns = LabNames.NetnsPath(lab.Cluster.FindPod("default", pod)!.Netns);
        return await NetnsThread.RunAsync(netns, () =>
        {
            var ifIndex = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces().Single(i => i.Name == "eth0").GetIPProperties().GetIPv4Properties().Index;
            for (var priority = 1u; priority <= 4; priority++)
            {
                if (BpfTc.QueryProgramId(ifIndex, point, 1, priority) is { } id)
                {
                    return id;
                }
            }
            return (uint?)null;
        });
    }

    private static int FindInstruction(byte[] obj, byte opcode)
    {
        using var elf = ELFSharp.ELF.ELFReader.Load<ulong>(new MemoryStream(obj), true);
        var code = elf.Sections.First(s => s.Name == "tc");
        var offset = (int)((ELFSharp.ELF.Sections.Section<ulong>)code).Offset;
        var bytes = code.GetContents();
        for (var i = 0; i < bytes.Length; i += 8)
        {
            if (bytes[i] == opcode)
            {
                return offset + i;
            }
        }
        throw new InvalidOperationException($"no instruction {opcode:x2} in the tc section");
    }
}
