using System.Runtime.InteropServices;
using System.Text;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Kernel;
using LabSite.Clusters.Netns.Kernel.Interop;

namespace LabSite.Clusters.Netns.Encryption;

/// <summary>
/// A TUN device in a node's namespace (IFF_TUN | IFF_NO_PI: whole IPv4 packets, no header). Not persistent: the
/// device disappears with its descriptor, so a crashed agent leaves no device behind in a namespace that survives.
/// </summary>
internal sealed class TunDevice : IDisposable
{
    private int _fd;

    private TunDevice(int fd, string name)
    {
        _fd = fd;
        Name = name;
    }

    public string Name { get; }

    /// <summary>Creates device <paramref name="name"/> inside <paramref name="netnsPath"/> (the descriptor is used from any thread after).</summary>
    public static async Task<TunDevice> CreateAsync(string netnsPath, string name)
    {
        var fd = await NetnsThread.RunAsync(netnsPath, () =>
        {
            var fd = Libc.Open("/dev/net/tun", Libc.OpenReadWrite | Libc.OpenCloseOnExec | Libc.OpenNonBlocking);
            if (fd < 0)
            {
                throw new ClusterException($"open /dev/net/tun: {Errno.Describe(Marshal.GetLastPInvokeError())}");
            }
            var request = new Libc.TunRequest { Flags = Libc.TunDevice | Libc.TunNoPacketInfo };
            unsafe
            {
                var bytes = Encoding.ASCII.GetBytes(name);
                for (var i = 0; i < bytes.Length && i < 15; i++)
                {
                    request.Name[i] = bytes[i];
                }
            }
            if (Libc.Ioctl(fd, Libc.IoctlTunSetInterface, ref request) < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                Libc.Close(fd);
                throw new ClusterException($"create TUN device {name}: {Errno.Describe(errno)}");
            }
            return fd;
        });
        return new TunDevice(fd, name);
    }

    /// <summary>Reads a packet, waiting up to <paramref name="timeoutMs"/> when none is queued; 0 when none came.</summary>
    public unsafe int Read(Span<byte> buffer, int timeoutMs)
    {
        fixed (byte* p = buffer)
        {
            // The descriptor is non-blocking: read first, and poll only when the queue is empty (a poll per packet halves throughput).
            var n = Libc.Read(_fd, p, (nuint)buffer.Length);
            if (n > 0)
            {
                return (int)n;
            }
            var poll = new Libc.PollFd { Fd = _fd, Events = Libc.PollIn };
            if (Libc.Poll(ref poll, 1, timeoutMs) <= 0)
            {
                return 0;
            }
            n = Libc.Read(_fd, p, (nuint)buffer.Length);
            return n < 0 ? 0 : (int)n;
        }
    }

    /// <summary>Hands one packet to the kernel as if it arrived on the device.</summary>
    public unsafe bool Write(ReadOnlySpan<byte> packet)
    {
        fixed (byte* p = packet)
        {
            return Libc.Write(_fd, p, (nuint)packet.Length) == packet.Length;
        }
    }

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            Libc.Close(fd);
        }
    }
}
