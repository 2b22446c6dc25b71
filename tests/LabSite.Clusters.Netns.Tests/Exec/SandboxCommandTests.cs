using LabSite.Clusters.Netns.Exec;

namespace LabSite.Clusters.Netns.Tests.Exec;

/// <summary>The sandbox argv: user words only ever appear after bwrap's "--", as the program's own arguments.</summary>
public class SandboxCommandTests
{
    private static readonly SandboxCommand.Settings s_settings = new(
        "/sys/fs/cgroup/unified/labsite/lab1/cgroup.procs", "/run/netns/ls-lab1-p3", 200001,
        "/run/labsite/lab1/etc", "/run/labsite/lab1/pods/p3", "xwing", 1 << 30, 128, 60);

    [Fact]
    public void UserWordsComeLastAfterTheProgramPath()
    {
        var argv = SandboxCommand.Build(s_settings, "/usr/bin/curl", ["-s", "$(id); rm -rf /"]);
        Assert.Equal(["/usr/bin/curl", "-s", "$(id); rm -rf /"], argv.TakeLast(3));
        Assert.Equal("--", argv[^4]);
        // Signals at their defaults first; the shell stage gets a constant script; its inputs are positional parameters.
        Assert.Equal(["/usr/bin/env", "--default-signal", "/bin/sh", "-c", SandboxCommand.EnterCgroupScript, s_settings.CgroupProcsFile, "/usr/bin/nsenter"], argv.Take(7));
    }

    [Fact]
    public void SandboxDropsPrivilegeAndHostFiles()
    {
        var argv = SandboxCommand.Build(s_settings, "/usr/bin/id", []);
        Assert.Contains("--reuid=200001", argv);
        Assert.Contains("--no-new-privs", argv);
        Assert.Contains("--die-with-parent", argv);
        Assert.Contains("--unshare-pid", argv);
        Assert.Contains("--nproc=128", argv);
        Assert.DoesNotContain("--unshare-net", argv); // the pod's namespace is the point
        Assert.DoesNotContain("/root", argv);
        Assert.DoesNotContain("/home", argv);
        var binds = argv.Select((a, i) => (a, i)).Where(x => x.a == "--ro-bind").Select(x => argv[x.i + 2]).ToList();
        Assert.Equal(["/usr", "/etc/hosts", "/etc/resolv.conf", "/etc/hostname", "/etc/passwd", "/etc/group", "/etc/nsswitch.conf"], binds);
    }
}
