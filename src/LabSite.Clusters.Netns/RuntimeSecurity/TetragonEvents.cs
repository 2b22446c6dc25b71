using System.Diagnostics;
using System.Text;
using LabSite.Clusters.Contract.Runtime;
using LabSite.Clusters.Netns.Bpf.Abi;

namespace LabSite.Clusters.Netns.RuntimeSecurity;

/// <summary>
/// Turns kernel records into Tetragon events: exec ids as Tetragon builds them (base64 of node:ktime:pid),
/// kernel monotonic times as wall-clock times, the pod found from the record's network namespace, and each
/// exit tied to its exec. Not thread-safe: one instance per sensor thread.
/// </summary>
public sealed class TetragonEvents(string nodeName, Func<uint, TetragonPod?> podByNetns)
{
    private readonly Dictionary<uint, TetragonProcess> _live = [];

    /// <summary>True when the process's exec was seen (and it has not exited).</summary>
    public bool Knows(uint pid) => _live.ContainsKey(pid);

    public TetragonEvent Convert(RuntimeRecord r, string policyName = "")
    {
        var time = WallTime(r.KtimeNs);
        switch (r.Kind)
        {
            case RuntimeCodes.EventExec:
                var process = new TetragonProcess(
                    ExecId(r), r.Pid, r.Uid, r.Binary, r.Args.Count == 0 ? null : string.Join(' ', r.Args), "execve", time,
                    podByNetns(r.Netns), _live.TryGetValue(r.Ppid, out var parent) ? parent.ExecId : null);
                _live[r.Pid] = process;
                return new TetragonEvent { ProcessExec = new ProcessExec(process, parent), NodeName = nodeName, Time = time };
            case RuntimeCodes.EventExit:
                var exited = Known(r, time);
                _live.Remove(r.Pid);
                return new TetragonEvent
                {
                    ProcessExit = new ProcessExit(exited, Parent(exited), r.ExitSignal == 0 ? null : SignalName(r.ExitSignal), r.ExitSignal == 0 ? r.ExitStatus : null, time),
                    NodeName = nodeName,
                    Time = time,
                };
            default:
                var actor = Known(r, time);
                var bprm = r.Hook == RuntimeCodes.HookBprmCheck;
                var arg = bprm ? new TetragonArg(null, new FileArg(r.Path)) : new TetragonArg(new FileArg(r.Path), null);
                var action = (r.Actions & RuntimeCodes.ActionOverride) != 0 ? TetragonActions.Override
                    : (r.Actions & RuntimeCodes.ActionSigkill) != 0 ? TetragonActions.Sigkill
                    : TetragonActions.Post;
                return new TetragonEvent
                {
                    ProcessLsm = new ProcessLsm(actor, Parent(actor), bprm ? "bprm_check_security" : "file_open", policyName, [arg], action),
                    NodeName = nodeName,
                    Time = time,
                };
        }
    }

    /// <summary>The process as its exec event described it; one seen only now (started before the sensor) from the record.</summary>
    private TetragonProcess Known(RuntimeRecord r, DateTimeOffset time) =>
        _live.TryGetValue(r.Pid, out var p) ? p
            : new TetragonProcess(ExecId(r), r.Pid, r.Uid, r.Binary.Length > 0 ? r.Binary : r.Comm, null, "procFS", time, podByNetns(r.Netns), null);

    private TetragonProcess? Parent(TetragonProcess p) =>
        _live.Values.FirstOrDefault(x => x.ExecId == p.ParentExecId);

    private string ExecId(RuntimeRecord r) =>
        System.Convert.ToBase64String(Encoding.UTF8.GetBytes($"{nodeName}:{r.KtimeNs}:{r.Pid}"));

    private static DateTimeOffset WallTime(ulong ktimeNs)
    {
        // bpf_ktime_get_ns and Stopwatch both read CLOCK_MONOTONIC on Linux.
        var nowNs = (double)Stopwatch.GetTimestamp() * 1e9 / Stopwatch.Frequency;
        return DateTimeOffset.UtcNow.AddTicks(-(long)((nowNs - ktimeNs) / 100));
    }

    private static string SignalName(int signal) => signal switch
    {
        9 => "SIGKILL",
        15 => "SIGTERM",
        2 => "SIGINT",
        6 => "SIGABRT",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        _ => "SIG" + signal.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
