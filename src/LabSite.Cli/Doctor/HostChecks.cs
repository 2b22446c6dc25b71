using System.Globalization;
using LabSite.Clusters.Kind;
using LabSite.Clusters.Kind.Docker;
using LabSite.Clusters.Kind.Tools;
using LabSite.Web.Admission;

namespace LabSite.Cli.Doctor;

/// <summary>
/// What this host has for each backend. netns: root, a kernel with BPF, bpffs, tracefs, BTF and (for runtime
/// security's LSM hooks) BPF in the LSM list, bubblewrap. kind: a reachable Docker engine, kind, helm and kubectl with
/// their versions. Both: free memory for a number of clusters, from each backend's per-cluster figure.
/// </summary>
public sealed class HostChecks(KindOptions kind, string root = "/")
{
    /// <summary>Memory one netns lab takes (the admission default, measured: see <see cref="AdmissionOptions.MiBPerCluster"/>).</summary>
    public static int NetnsMiBPerCluster => new AdmissionOptions().MiBPerCluster;

    /// <summary>A kind cluster's cap: three node containers at <see cref="KindOptions.NodeMemoryMiB"/> each.</summary>
    public int KindMiBPerCluster => 3 * kind.NodeMemoryMiB;

    public IReadOnlyList<DoctorCheck> Netns(int clusters)
    {
        const string B = "netns";
        var release = Read("proc/sys/kernel/osrelease")?.Trim() ?? "unknown";
        var mounts = Read("proc/mounts") ?? "";
        var lsm = Read("sys/kernel/security/lsm")?.Trim();
        return
        [
            new(B, "root", Environment.IsPrivilegedProcess, Environment.UserName, "run the agent as root (sudo labsite agent): it creates network namespaces and loads eBPF"),
            new(B, "kernel", KernelAtLeast(release, 6, 1), release, "a Linux 6.1 or newer kernel (Debian 12 backports, Ubuntu 24.04)"),
            new(B, "bpf syscall", Exists("proc/sys/kernel/unprivileged_bpf_disabled"), Exists("proc/sys/kernel/unprivileged_bpf_disabled") ? "present" : "absent",
                "a kernel built with CONFIG_BPF_SYSCALL=y"),
            new(B, "bpffs", HasMount(mounts, "bpf"), HasMount(mounts, "bpf") ? "mounted" : "not mounted", "mount -t bpf bpf /sys/fs/bpf"),
            new(B, "tracefs", HasMount(mounts, "tracefs"), HasMount(mounts, "tracefs") ? "mounted" : "not mounted", "mount -t tracefs tracefs /sys/kernel/tracing"),
            new(B, "BTF", Exists("sys/kernel/btf/vmlinux"), Exists("sys/kernel/btf/vmlinux") ? "/sys/kernel/btf/vmlinux" : "absent", "a kernel built with CONFIG_DEBUG_INFO_BTF=y"),
            new(B, "BPF LSM", lsm?.Split(',').Contains("bpf") == true, lsm ?? "unreadable",
                "add lsm=...,bpf to the kernel command line (runtime-security labs fall back to a tracepoint without it)", Required: false),
            Tool(B, "bubblewrap", "bwrap", "apt-get install bubblewrap"),
            Memory(B, clusters, NetnsMiBPerCluster),
        ];
    }

    public async Task<IReadOnlyList<DoctorCheck>> KindAsync(int clusters, CancellationToken ct)
    {
        const string B = "kind";
        DoctorCheck docker;
        try
        {
            using var nodes = new NodeContainers(kind.DockerEndpoint);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            docker = new(B, "Docker engine", true, $"{await nodes.VersionAsync(timeout.Token)} at {kind.DockerEndpoint}");
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            docker = new(B, "Docker engine", false, $"not reachable at {kind.DockerEndpoint} ({FirstLine(e.Message)})",
                "apt-get install docker.io && systemctl start docker (or set KindOptions__DockerEndpoint)");
        }
        return
        [
            docker,
            await VersionAsync(B, "kind", kind.Kind, ["version"], KindBackend.KindInstall, ct),
            await VersionAsync(B, "helm", kind.Helm, ["version", "--short"], KindBackend.HelmInstall, ct),
            await VersionAsync(B, "kubectl", kind.Kubectl, ["version", "--client"], KindBackend.KubectlInstall, ct),
            Memory(B, clusters, KindMiBPerCluster),
        ];
    }

    /// <summary>
    /// What <c>cluster up --backend kind</c> refuses on before asking the agent: kind, helm or kubectl not installed, or
    /// no Docker engine socket; each with its fix. Empty when all are there.
    /// </summary>
    public IReadOnlyList<string> MissingForKind()
    {
        var missing = new List<string>();
        if (kind.DockerEndpoint.StartsWith("unix://", StringComparison.Ordinal) && !File.Exists(kind.DockerEndpoint["unix://".Length..]))
        {
            missing.Add($"no Docker engine at {kind.DockerEndpoint}; apt-get install docker.io && systemctl start docker");
        }
        missing.AddRange(new[] { (kind.Kind, KindBackend.KindInstall), (kind.Helm, KindBackend.HelmInstall), (kind.Kubectl, KindBackend.KubectlInstall) }
            .Where(t => ToolRunner.Resolve(t.Item1) is null).Select(t => ToolRunner.Missing(t.Item1, t.Item2)));
        return missing;
    }

    private DoctorCheck Memory(string backend, int clusters, int perCluster)
    {
        var available = MemAvailableMiB();
        var needed = (long)clusters * perCluster;
        return new(backend, $"memory for {clusters}", available >= needed,
            available < 0 ? "MemAvailable unreadable" : $"{available} MiB available, {needed} MiB needed ({perCluster} MiB per cluster)",
            $"free memory or plan for {(available < 0 ? 0 : available / Math.Max(perCluster, 1))} clusters", Required: false);
    }

    private static DoctorCheck Tool(string backend, string name, string tool, string fix) =>
        ToolRunner.Resolve(tool) is { } path ? new(backend, name, true, path) : new(backend, name, false, $"{tool} not found on PATH", fix);

    private static async Task<DoctorCheck> VersionAsync(string backend, string name, string tool, string[] args, string fix, CancellationToken ct)
    {
        if (ToolRunner.Resolve(tool) is null)
        {
            return new(backend, name, false, $"{tool} not found{(Path.IsPathRooted(tool) ? "" : " on PATH")}", fix);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            var result = await new ToolRunner().RunAsync(tool, args, fix, null, timeout.Token);
            var first = result.LastLines.FirstOrDefault() ?? "";
            return result.Succeeded ? new(backend, name, true, first) : new(backend, name, false, $"{tool} {string.Join(' ', args)} exited {result.ExitCode}: {first}", fix);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new(backend, name, false, $"{tool} {string.Join(' ', args)} gave no answer in 10 s", fix);
        }
    }

    private long MemAvailableMiB()
    {
        var line = Read("proc/meminfo")?.Split('\n').FirstOrDefault(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal));
        var kb = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1);
        return long.TryParse(kb, NumberStyles.None, CultureInfo.InvariantCulture, out var k) ? k / 1024 : -1;
    }

    /// <summary>"6.18.0-1-amd64" is at least 6.1.</summary>
    public static bool KernelAtLeast(string release, int major, int minor)
    {
        var parts = release.Split('.', '-');
        return parts.Length >= 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var a) && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var b)
            && (a > major || (a == major && b >= minor));
    }

    private static bool HasMount(string mounts, string type) =>
        mounts.Split('\n').Any(l => l.Split(' ') is { Length: > 2 } f && f[2] == type);

    private string? Read(string path)
    {
        try
        {
            return File.ReadAllText(Path.Combine(root, path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private bool Exists(string path) => File.Exists(Path.Combine(root, path)) || Directory.Exists(Path.Combine(root, path));

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();
}
