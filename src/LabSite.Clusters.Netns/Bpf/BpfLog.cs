using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using LabSite.Clusters.Netns.Bpf.Interop;

namespace LabSite.Clusters.Netns.Bpf;

/// <summary>
/// Receives libbpf's log (one process-wide callback). Lines go to <see cref="Message"/> (hook it to an
/// ILogger at Debug) and the last lines of the current thread are kept, so a failed load can quote
/// the verifier's complaint in its exception.
/// </summary>
public static unsafe class BpfLog
{
    private const int KeptLines = 40;

    [ThreadStatic]
    private static Queue<string>? s_recent;

    private static int s_installed;

    /// <summary>(level 0 warn / 1 info / 2 debug, text). Called on the thread that called into libbpf.</summary>
    public static event Action<int, string>? Message;

    /// <summary>Installs the callback once; called by every entry point that loads objects.</summary>
    internal static void EnsureInstalled()
    {
        if (Interlocked.Exchange(ref s_installed, 1) == 0)
        {
            LibBpf.SetPrint(&Print);
        }
    }

    /// <summary>Clears this thread's kept lines before a stage whose failure should quote only its own log.</summary>
    internal static void BeginCapture() => (s_recent ??= new Queue<string>()).Clear();

    /// <summary>The kept warning lines of this thread, most relevant (last) ones, joined.</summary>
    internal static string RecentText(int maxLines = 12)
    {
        if (s_recent is null || s_recent.Count == 0)
        {
            return "";
        }

        return string.Join(" | ", s_recent.Skip(Math.Max(0, s_recent.Count - maxLines)));
    }

    [UnmanagedCallersOnly]
    private static int Print(int level, byte* format, nint args)
    {
        try
        {
            string text;
            if (RuntimeInformation.ProcessArchitecture == Architecture.X64)
            {
                const int size = 8192;
                var buffer = stackalloc byte[size];
                var n = LibBpf.VsnPrintf(buffer, size, format, args);
                text = Encoding.UTF8.GetString(buffer, Math.Clamp(n, 0, size - 1));
            }
            else
            {
                // Elsewhere va_list is not a plain pointer; the format string still says what happened.
                text = Marshal.PtrToStringUTF8((nint)format) ?? "";
            }

            text = text.TrimEnd('\n');
            if (level == 0)
            {
                var q = s_recent ??= new Queue<string>();
                foreach (var line in text.Split('\n'))
                {
                    q.Enqueue(line);
                    if (q.Count > KeptLines)
                    {
                        q.Dequeue();
                    }
                }
            }

            Message?.Invoke(level, text);
        }
        catch (Exception)
        {
            // Never let an exception cross back into native code.
        }

        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static string ErrorText(int err)
    {
        var buffer = stackalloc byte[256];
        LibBpf.StrError(err, buffer, 256);
        return Marshal.PtrToStringUTF8((nint)buffer) ?? "";
    }
}
