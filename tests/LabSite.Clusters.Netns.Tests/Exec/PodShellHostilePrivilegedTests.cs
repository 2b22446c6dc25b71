using System.IO.Pipelines;
using System.Text;
using LabSite.Clusters.Contract;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.Exec;

/// <summary>
/// A stranger with the shell in a pod, on the real kernel: escape attempts (privilege tools, mount, namespaces,
/// setuid files, kernel knobs, devices), a fork bomb and a flood of output under an interactive terminal. Each must be
/// refused or bounded, said so, and leave the lab (and this process, standing in for the agent) working.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class PodShellHostilePrivilegedTests : IAsyncLifetime
{
    private readonly NetnsBackend _backend = new(NetnsTestLabs.Options());
    private NetnsCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        await _backend.StartAsync(CancellationToken.None);
        _cluster = await _backend.CreateAsync(new ClusterRequest("hostile"), null, CancellationToken.None);
        await NetnsTestLabs.StartStarWarsAsync(_cluster);
    }

    public async Task DisposeAsync()
    {
        await _backend.DestroyAsync(_cluster.Name, CancellationToken.None);
        NetnsTestLabs.DeleteRoots(_backend.Options);
    }

    [Fact]
    public async Task PrivilegeAndNamespaceToolsAreAbsentAndKernelKnobsRefuse()
    {
        var r = await NetnsTestLabs.ExecAsync(_cluster, "xwing", "sh", "-c",
            "for p in mount umount unshare nsenter setpriv su sudo chroot strace gdb capsh busybox python3 perl; do " +
            "  $p --help >/dev/null 2>&1; echo \"$p=$?\"; done; " +
            "echo 1 > /proc/sys/net/ipv4/ip_forward && echo wrote-sysctl; " +
            "echo b > /proc/sysrq-trigger && echo wrote-sysrq; " +
            "cat /dev/mem /dev/kmsg /dev/sda 2>/dev/null && echo read-device; " +
            "ls /sys 2>/dev/null && echo saw-sys; " +
            "ls -l /usr/bin /usr/sbin /usr/local/libexec 2>/dev/null | grep -c '^-..s' ; " +
            "grep -E '^(Uid|CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/self/status; " +
            "cat /proc/self/mountinfo | grep -c -E ' /(work|root|home|var/lib) '");
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // 127: not found. Every one of these would be a way out (or a second interpreter); none is in the sandbox.
        foreach (var tool in new[] { "mount", "umount", "unshare", "nsenter", "setpriv", "su", "sudo", "chroot", "strace", "gdb", "capsh", "busybox", "python3", "perl" })
        {
            Assert.Contains($"{tool}=127", lines);
        }
        Assert.DoesNotContain(lines, l => l is "wrote-sysctl" or "wrote-sysrq" or "read-device" or "saw-sys");
        Assert.Contains("0", lines); // no setuid/setgid program to run
        Assert.Contains("CapEff:\t0000000000000000", lines);
        Assert.Contains("CapBnd:\t0000000000000000", lines);
        Assert.Contains("NoNewPrivs:\t1", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("Uid:\t0\t", StringComparison.Ordinal));
        Assert.Equal("0", lines[^1]); // no host folder is mounted in
    }

    [Fact]
    public async Task OtherPodsAndTheHostAreInvisibleThroughProc()
    {
        // A process of another pod's exec, with an argument no other process has.
        var marker = "7" + Random.Shared.Next(100000, 999999) + ".5";
        using var stop = new CancellationTokenSource();
        var other = _cluster.ExecAsync(new ExecRequest("default", "tiefighter", ["sleep", marker], TimeSpan.FromSeconds(60)), new ExecStreams(Stream.Null, Stream.Null), stop.Token);
        try
        {
            for (var i = 0; i < 300 && !HostProcesses().Any(p => p.Cmdline.Contains(marker, StringComparison.Ordinal)); i++)
            {
                await Task.Delay(100);
            }
            Assert.Contains(HostProcesses(), p => p.Cmdline.Contains(marker, StringComparison.Ordinal));

            var r = await NetnsTestLabs.ExecAsync(_cluster, "xwing", "sh", "-c", "cat /proc/[0-9]*/cmdline; echo end");
            Assert.Contains("end", r.Stdout);
            Assert.DoesNotContain(marker, r.Stdout);
            Assert.DoesNotContain("dotnet", r.Stdout);
        }
        finally
        {
            await stop.CancelAsync();
            await other.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    [Fact]
    public async Task ForkBombInATerminalIsBoundedTheLabStaysUsableAndNothingIsLeft()
    {
        var keys = new Pipe();
        var screen = new RecordingStream();
        using var leave = new CancellationTokenSource();
        var session = _cluster.ExecAsync(new ExecRequest("default", "xwing", ["sh"], Tty: true),
            new ExecStreams(screen, Stream.Null, keys.Reader.AsStream(), new ExecTerminal(new TerminalSize(80, 24))), leave.Token);
        try
        {
            await Type(keys, "echo ready-$((1+1))\n");
            await screen.WaitForAsync("ready-2");
            await Type(keys, "f() { f | f & }; f\n");
            // The bomb runs into the per-user process limit (fork failures on the terminal) rather than the host's.
            await screen.WaitForAsync("fork", 60);
            Assert.True(HostProcesses().Count(p => p.Uid == _cluster.ExecUid) <= _backend.Options.ExecMaxProcesses + 8);

            // While the bomb lives it holds the lab's process budget (RLIMIT_NPROC of the lab's one exec uid): another exec in
            // this lab either still fits or is refused by the kernel (EAGAIN), never more; this process (the agent) is untouched.
            var during = await NetnsTestLabs.ExecAsync(_cluster, "tiefighter", "curl", "-s", "-XPOST", "deathstar.default.svc.cluster.local/v1/request-landing");
            // (Refused may also surface as a failed start with nothing written: any non-zero exit is a refusal.)
            Assert.True(during.Stdout == "Ship landed\n" || during.ExitCode != 0, $"exit {during.ExitCode}: {during.Stdout}{during.Stderr}");
            using (var agentSide = System.Diagnostics.Process.Start("/bin/true")!)
            {
                await agentSide.WaitForExitAsync();
                Assert.Equal(0, agentSide.ExitCode);
            }
        }
        catch
        {
            // A failed assertion must not leave the bomb running for the tests after this one.
            await leave.CancelAsync();
            await session.ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(60));
            throw;
        }

        // Leaving (the browser went away) kills the whole tree: no process of the lab's exec user remains.
        await leave.CancelAsync();
        await session.WaitAsync(TimeSpan.FromSeconds(60));
        for (var i = 0; i < 100 && HostProcesses().Any(p => p.Uid == _cluster.ExecUid); i++)
        {
            await Task.Delay(100);
        }
        Assert.DoesNotContain(HostProcesses(), p => p.Uid == _cluster.ExecUid);
        var after = await NetnsTestLabs.ExecAsync(_cluster, "tiefighter", "curl", "-s", "-XPOST", "deathstar.default.svc.cluster.local/v1/request-landing");
        Assert.Equal("Ship landed\n", after.Stdout);
    }

    [Fact]
    public async Task AFloodOfOutputInATerminalIsCappedAndSaidSo()
    {
        var keys = new Pipe();
        var screen = new CountingStream();
        var session = _cluster.ExecAsync(new ExecRequest("default", "xwing", ["sh"], Tty: true),
            new ExecStreams(screen, Stream.Null, keys.Reader.AsStream(), new ExecTerminal(new TerminalSize(80, 24))), CancellationToken.None);
        await Type(keys, "while :; do echo 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef; done\n");

        var code = await session.WaitAsync(TimeSpan.FromSeconds(120));
        Assert.NotEqual(0, code);
        Assert.InRange(screen.Bytes, 1024 * 1024, 16L * 1024 * 1024 + 4096);
        Assert.EndsWith("labsite: output exceeded 16 MiB; the session was stopped\r\n", screen.Tail);
    }

    private static async Task Type(Pipe keys, string text)
    {
        await keys.Writer.WriteAsync(Encoding.UTF8.GetBytes(text));
    }

    private sealed record HostProcess(int Uid, string Cmdline);

    /// <summary>Every process on the host as the kernel lists it (this test runs as root in the host's pid namespace).</summary>
    private static List<HostProcess> HostProcesses()
    {
        var found = new List<HostProcess>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _))
            {
                continue;
            }
            try
            {
                var uidLine = File.ReadLines(Path.Combine(dir, "status")).FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
                var uid = uidLine is null ? -1 : int.Parse(uidLine.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1]);
                found.Add(new HostProcess(uid, File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ')));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }
        return found;
    }

    /// <summary>Counts what a session prints and keeps its last bytes (16 MiB is too much to hold as text in a test).</summary>
    private sealed class CountingStream : Stream
    {
        private readonly Queue<byte> _tail = new();

        public long Bytes { get; private set; }

        public string Tail
        {
            get
            {
                lock (_tail)
                {
                    return Encoding.UTF8.GetString(_tail.ToArray());
                }
            }
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Bytes;

        public override long Position { get => Bytes; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (_tail)
            {
                Bytes += count;
                foreach (var b in buffer.AsSpan(offset, count))
                {
                    _tail.Enqueue(b);
                    if (_tail.Count > 256)
                    {
                        _tail.Dequeue();
                    }
                }
            }
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
