using System.Runtime.InteropServices;

namespace LabSite.Clusters.Netns.Bpf.Abi;

/// <summary>Constants of bpf/include/labsite_abi_runtime.h.</summary>
public static class RuntimeCodes
{
    public const int PathLength = 256;
    public const int ArgsLength = 256;
    public const int RulePathLength = 128;
    public const int MaxRules = 16;

    public const uint EventExec = 1;
    public const uint EventExit = 2;
    public const uint EventHook = 3;

    public const uint HookFileOpen = 1;
    public const uint HookBprmCheck = 2;

    public const uint OpEqual = 0;
    public const uint OpPrefix = 1;

    public const uint ActionPost = 1;
    public const uint ActionSigkill = 2;
    public const uint ActionOverride = 4;
}

/// <summary><c>struct rt_event</c>: one ring-buffer record of bpf_runtime.c.</summary>
[CStruct("rt_event")]
[StructLayout(LayoutKind.Sequential)]
public unsafe struct RuntimeEventAbi
{
    [CField("kind")] public uint Kind;
    [CField("pid")] public uint Pid;
    [CField("tid")] public uint Tid;
    [CField("ppid")] public uint Ppid;
    [CField("uid")] public uint Uid;
    [CField("lab")] public uint Lab;
    [CField("ktime_ns")] public ulong KtimeNs;
    [CField("cgroup_id")] public ulong CgroupId;
    [CField("netns")] public uint Netns;
    [CField("exit_code")] public int ExitCode;
    [CField("hook")] public uint Hook;
    [CField("rule")] public uint Rule;
    [CField("actions")] public uint Actions;
    [CField("error")] public int Error;
    [CField("comm")] public fixed byte Comm[16];
    [CField("binary")] public fixed byte Binary[RuntimeCodes.PathLength];
    [CField("path")] public fixed byte Path[RuntimeCodes.PathLength];
    [CField("args")] public fixed byte Args[RuntimeCodes.ArgsLength];
}

/// <summary><c>struct rt_rule</c>: one compiled TracingPolicy selector.</summary>
[CStruct("rt_rule")]
[StructLayout(LayoutKind.Sequential)]
public unsafe struct RuntimeRuleAbi
{
    [CField("lab")] public uint Lab;
    [CField("hook")] public uint Hook;
    [CField("path_op")] public uint PathOp;
    [CField("binary_op")] public uint BinaryOp;
    [CField("actions")] public uint Actions;
    [CField("error")] public int Error;
    [CField("path_len")] public uint PathLength;
    [CField("binary_len")] public uint BinaryLength;
    [CField("scoped")] public uint Scoped;
    [CField("path")] public fixed byte Path[RuntimeCodes.RulePathLength];
    [CField("binary")] public fixed byte Binary[RuntimeCodes.RulePathLength];
}
