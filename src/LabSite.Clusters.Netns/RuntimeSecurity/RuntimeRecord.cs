using System.Text;
using LabSite.Clusters.Netns.Bpf.Abi;

namespace LabSite.Clusters.Netns.RuntimeSecurity;

/// <summary>A decoded <c>struct rt_event</c>: what the kernel saw, before pod context is added.</summary>
public sealed record RuntimeRecord(
    uint Kind,
    uint Pid,
    uint Ppid,
    uint Uid,
    uint Lab,
    ulong KtimeNs,
    ulong CgroupId,
    uint Netns,
    int ExitCode,
    uint Hook,
    uint Rule,
    uint Actions,
    int Error,
    string Comm,
    string Binary,
    string Path,
    IReadOnlyList<string> Args)
{
    /// <summary>Exit status (WEXITSTATUS) when the process exited normally.</summary>
    public int ExitStatus => (ExitCode >> 8) & 0xff;

    /// <summary>Terminating signal number (WTERMSIG), 0 when none.</summary>
    public int ExitSignal => ExitCode & 0x7f;

    public static unsafe RuntimeRecord Decode(ReadOnlySpan<byte> record)
    {
        if (record.Length < sizeof(RuntimeEventAbi))
        {
            throw new ArgumentException($"runtime event of {record.Length} bytes, expected {sizeof(RuntimeEventAbi)}", nameof(record));
        }

        fixed (byte* p = record)
        {
            var e = (RuntimeEventAbi*)p;
            var args = CString(e->Args, RuntimeCodes.ArgsLength, stopAtNul: false)
                .Split('\0', StringSplitOptions.RemoveEmptyEntries);
            return new RuntimeRecord(
                e->Kind, e->Pid, e->Ppid, e->Uid, e->Lab, e->KtimeNs, e->CgroupId, e->Netns, e->ExitCode,
                e->Hook, e->Rule, e->Actions, e->Error,
                CString(e->Comm, 16), CString(e->Binary, RuntimeCodes.PathLength), CString(e->Path, RuntimeCodes.PathLength),
                args.Length > 0 ? args[1..] : []);
        }
    }

    /// <summary>
    /// A C string; with <paramref name="stopAtNul"/> false, the whole NUL-separated argv block up to the
    /// first double NUL (the BPF side terminates the copied block).
    /// </summary>
    private static unsafe string CString(byte* bytes, int max, bool stopAtNul = true)
    {
        var span = new ReadOnlySpan<byte>(bytes, max);
        var end = stopAtNul ? span.IndexOf((byte)0) : span.IndexOf([(byte)0, (byte)0]);
        return Encoding.UTF8.GetString(end < 0 ? span : span[..end]);
    }
}
