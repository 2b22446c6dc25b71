using System.Text.RegularExpressions;
using LabSite.Shell.Tests.Support;
using LabSite.Testing;

namespace LabSite.Shell.Tests.LearnerBpf;

/// <summary>
/// The ebpf-under-the-hood lab's own files typed through the lab shell against a real netns lab behind a real agent:
/// clang in the lab's sandbox, the verifier's refusal of the starter, the fix, the load on deploy/deathstar, traffic,
/// the counts in bpf list and bpftool, unload; and paths and options the shell refuses before anything runs.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class LearnerBpfShellPrivilegedTests : IAsyncLifetime
{
    private AgentLabShell _lab = null!;

    public async Task InitializeAsync()
    {
        var lab = RepositoryPaths.Lab("ebpf-under-the-hood");
        _lab = await AgentLabShell.StartAsync("learnerbpf", appliedManifests: Path.Combine(lab, "manifests"));
        File.Copy(Path.Combine(lab, "counter.c"), Path.Combine(_lab.Folder, "counter.c"));
        Directory.CreateDirectory(Path.Combine(_lab.Folder, "solution"));
        File.Copy(Path.Combine(lab, "solution", "counter.c"), Path.Combine(_lab.Folder, "solution", "counter.c"));
    }

    public async Task DisposeAsync() => await _lab.DisposeAsync();

    private Task<(int Status, string Out, string Err)> Run(string line) => _lab.RunAsync(line);

    [Fact]
    public async Task The_lab_counter_from_the_verifiers_refusal_to_its_counts()
    {
        Assert.Equal((0, "", ""), await Run("clang -O2 -target bpf -c counter.c -o counter.o"));
        Assert.True(File.Exists(Path.Combine(_lab.Folder, "counter.o")));

        var refused = await Run("bpf load counter.o --pod deploy/deathstar");
        Assert.Equal(1, refused.Status);
        Assert.Contains("the kernel's verifier rejected program count_packets", refused.Err);
        Assert.Contains("invalid mem access 'map_value_or_null'", refused.Err);

        Assert.Equal(0, (await Run("cat solution/counter.c > counter.c")).Status);
        Assert.Equal((0, "", ""), await Run("clang -O2 -target bpf -c counter.c -o counter.o"));
        var loaded = await Run("bpf load counter.o --pod deploy/deathstar");
        Assert.Equal(0, loaded.Status);
        Assert.Matches(@"^loaded counter: program count_packets \(id \d+, sched_cls, \d+ instructions\) on default/deathstar-[a-z0-9]+-[a-z0-9]+ eth0 tc ingress\n$", loaded.Out);

        var prog = await Run("bpftool prog show name count_packets");
        Assert.Equal(0, prog.Status);
        Assert.Matches(@"^\d+: sched_cls  name count_packets  tag [0-9a-f]{16}  gpl", prog.Out);

        Assert.Equal((0, "Ship landed\n", ""), await Run("kubectl exec tiefighter -- curl -s -XPOST deathstar.default.svc.cluster.local/v1/request-landing"));
        var list = await Run("bpf list");
        var total = ulong.Parse(Regex.Match(list.Out, @"map by_protocol \(id \d+, hash, max 16 entries\): values total (\d+)").Groups[1].Value);
        Assert.True(total >= 4, $"a landing is at least 4 packets into the Death Star; counted {total}:\n{list.Out}");

        var dump = await Run("bpftool map dump name by_protocol");
        Assert.Equal(0, dump.Status);
        // The object carries BTF (the shell's clang adds -g), so bpftool prints keys and values as numbers: 6 is TCP.
        Assert.Matches(@"""key"": 6,\s+""value"": \d+", dump.Out);

        Assert.Equal((0, "unloaded counter\n", ""), await Run("bpf unload counter"));
        Assert.Equal((0, "No programs of yours are loaded (bpf load FILE.o --pod POD).\n", ""), await Run("bpf list"));
        var gone = await Run("bpftool prog show name count_packets");
        Assert.NotEqual(0, gone.Status);
        Assert.Contains("this lab has no program with name count_packets", gone.Err);
    }

    [Theory]
    [InlineData("clang -O2 -target bpf -c ../counter.c", "plain file name in the lab folder")]
    [InlineData("clang -O2 -target bpf -c /etc/passwd.c", "plain file name in the lab folder")]
    [InlineData("clang -O2 -c counter.c", "add -target bpf")]
    [InlineData("clang -O2 -target x86_64 -c counter.c", "target x86_64 is not available")]
    [InlineData("clang -O2 -target bpf -Xclang -load -c counter.c", "option -Xclang is not available")]
    [InlineData("clang -O2 -target bpf -c counter.c -o ../escape.o", "plain file name in the lab folder")]
    [InlineData("bpf load ../counter.o --pod tiefighter", ".. leaves the lab folder")]
    [InlineData("bpf load /etc/passwd --pod tiefighter", "absolute paths are outside the lab folder")]
    [InlineData("bpf load counter.o", "usage: bpf load FILE.o --pod POD")]
    [InlineData("bpf load counter.o --pod svc/deathstar", "a pod name, pod/NAME or deploy/NAME")]
    [InlineData("bpf frobnicate", "unknown command")]
    public async Task Paths_and_options_outside_the_rules_are_refused(string line, string expected)
    {
        var (status, output, error) = await Run(line);
        Assert.NotEqual(0, status);
        Assert.Equal("", output);
        Assert.Contains(expected, error);
        Assert.False(File.Exists(Path.Combine(_lab.Folder, "..", "escape.o")));
    }
}
