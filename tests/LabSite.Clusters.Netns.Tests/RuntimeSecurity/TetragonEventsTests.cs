using LabSite.Clusters.Contract.Runtime;
using LabSite.Clusters.Netns.Bpf.Abi;
using LabSite.Clusters.Netns.RuntimeSecurity;

namespace LabSite.Clusters.Netns.Tests.RuntimeSecurity;

public sealed class TetragonEventsTests
{
    private static readonly TetragonPod s_deathstar = new("default", "deathstar-1", new TetragonContainer("netns://4026532000", "deathstar"), null, "deathstar");

    private static RuntimeRecord Rec(uint kind, uint pid, uint ppid, string binary, string[] args, int exitCode = 0, uint actions = 0, string path = "") =>
        new(kind, pid, ppid, 0, 1, 1_000_000, 5, 4026532000, exitCode, kind == RuntimeCodes.EventHook ? RuntimeCodes.HookFileOpen : 0, 0, actions, 0, "x", binary, path, args);

    [Fact]
    public void Exec_then_killed_reader_then_exit_read_as_tetragon_compact_lines_with_pod_and_parent()
    {
        var events = new TetragonEvents("node-1", ns => ns == 4026532000 ? s_deathstar : null);

        var shell = events.Convert(Rec(RuntimeCodes.EventExec, 10, 1, "/bin/sh", []));
        var cat = events.Convert(Rec(RuntimeCodes.EventExec, 11, 10, "/bin/cat", ["/etc/plans"]));
        var hit = events.Convert(Rec(RuntimeCodes.EventHook, 11, 10, "/bin/cat", [], actions: RuntimeCodes.ActionPost | RuntimeCodes.ActionSigkill, path: "/etc/plans"), "secret-read");
        var exit = events.Convert(Rec(RuntimeCodes.EventExit, 11, 10, "/bin/cat", [], exitCode: 9));

        Assert.Equal("🚀 process default/deathstar-1 /bin/sh", TetragonCompact.Format(shell));
        Assert.Equal("🚀 process default/deathstar-1 /bin/cat /etc/plans", TetragonCompact.Format(cat));
        Assert.Equal(shell.ProcessExec!.Process.ExecId, cat.ProcessExec!.Parent!.ExecId);
        Assert.Equal("🔒 LSM     default/deathstar-1 /bin/cat file_open", TetragonCompact.Format(hit));
        Assert.Equal(TetragonActions.Sigkill, hit.ProcessLsm!.Action);
        Assert.Equal("secret-read", hit.ProcessLsm!.PolicyName);
        Assert.Equal("💥 exit    default/deathstar-1 /bin/cat /etc/plans SIGKILL", TetragonCompact.Format(exit));
        Assert.Equal(cat.ProcessExec.Process.ExecId, exit.ProcessExit!.Process.ExecId);
    }

    [Fact]
    public void A_normal_exit_reports_its_status_and_an_unknown_netns_has_no_pod()
    {
        var events = new TetragonEvents("node-1", _ => null);

        events.Convert(Rec(RuntimeCodes.EventExec, 20, 1, "/bin/ls", ["/nope"]));
        var exit = events.Convert(Rec(RuntimeCodes.EventExit, 20, 1, "/bin/ls", [], exitCode: 2 << 8));

        Assert.Equal(2, exit.ProcessExit!.Status);
        Assert.Null(exit.ProcessExit.Signal);
        Assert.Null(exit.ProcessExit.Process.Pod);
    }
}
