using System.Runtime.InteropServices;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Kernel.Interop;
using Microsoft.Win32.SafeHandles;

namespace LabSite.Clusters.Netns.Exec;

/// <summary>
/// A pseudo-terminal for one interactive exec: the agent keeps the master (reads what the pod's program prints, writes
/// what the user types, sets the window size); the sandboxed program gets the slave, by path, as its controlling
/// terminal. The agent also holds the slave open until the program ends, so reading the master never sees a hang-up
/// before the program has even opened it; closing it afterwards lets the last output drain and then end the reads.
/// </summary>
internal sealed class PseudoTerminal : IDisposable
{
    private readonly int _master;
    private SafeFileHandle? _slave;

    private PseudoTerminal(int master, string slavePath, SafeFileHandle slave)
    {
        _master = master;
        SlavePath = slavePath;
        _slave = slave;
        Output = new FileStream(new SafeFileHandle(Duplicate(master), ownsHandle: true), FileAccess.Read, bufferSize: 0);
        Input = new FileStream(new SafeFileHandle(Duplicate(master), ownsHandle: true), FileAccess.Write, bufferSize: 0);
    }

    /// <summary>The slave's path (/dev/pts/N) the sandbox's first stage opens as stdin, stdout and stderr.</summary>
    public string SlavePath { get; }

    /// <summary>What the program writes to its terminal.</summary>
    public Stream Output { get; }

    /// <summary>What the program reads from its terminal, as if typed.</summary>
    public Stream Input { get; }

    public static PseudoTerminal Open(TerminalSize size)
    {
        var master = Libc.Open("/dev/ptmx", Libc.OpenReadWrite | Libc.OpenNoControllingTerminal | Libc.OpenCloseOnExec);
        if (master < 0)
        {
            throw new ClusterException($"exec: cannot open a pseudo-terminal (/dev/ptmx): {Errno.Describe(Marshal.GetLastPInvokeError())}");
        }
        try
        {
            var unlock = 0;
            var number = 0;
            Check(Libc.Ioctl(master, Libc.IoctlSetPtyLock, ref unlock), "unlock");
            Check(Libc.Ioctl(master, Libc.IoctlGetPtyNumber, ref number), "number");
            var path = $"/dev/pts/{number}";
            var slave = Libc.Open(path, Libc.OpenReadWrite | Libc.OpenNoControllingTerminal | Libc.OpenCloseOnExec);
            Check(slave, "open " + path);
            var terminal = new PseudoTerminal(master, path, new SafeFileHandle(slave, ownsHandle: true));
            terminal.Resize(size);
            return terminal;
        }
        catch
        {
            Libc.Close(master);
            throw;
        }
    }

    /// <summary>Sets the window size; the kernel sends SIGWINCH to the terminal's foreground programs.</summary>
    public void Resize(TerminalSize size)
    {
        var clamped = size.Clamped();
        var winsize = new Libc.WindowSize { Columns = (ushort)clamped.Columns, Rows = (ushort)clamped.Rows };
        Libc.Ioctl(_master, Libc.IoctlSetWindowSize, ref winsize);
    }

    /// <summary>The program has ended: let go of the slave so the master's reads end once its output is drained.</summary>
    public void ReleaseSlave()
    {
        _slave?.Dispose();
        _slave = null;
    }

    public void Dispose()
    {
        ReleaseSlave();
        Output.Dispose();
        Input.Dispose();
        Libc.Close(_master);
    }

    private static int Duplicate(int fd)
    {
        var copy = Libc.Fcntl(fd, Libc.FcntlDupCloseOnExec, 0);
        Check(copy, "dup");
        return copy;
    }

    private static void Check(int result, string what)
    {
        if (result < 0)
        {
            throw new ClusterException($"exec: pseudo-terminal {what} failed: {Errno.Describe(Marshal.GetLastPInvokeError())}");
        }
    }
}
