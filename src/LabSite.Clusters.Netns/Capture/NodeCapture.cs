using System.Diagnostics;
using System.Text;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Inspection;

namespace LabSite.Clusters.Netns.Capture;

/// <summary>
/// A read-only tcpdump on one node, in two processes so that only the capture holds a privilege: Debian's tcpdump
/// runs as root inside the node's namespace with a fixed argv (interface, count, snap length, the checked filter after
/// <c>--</c>) and writes pcap to a pipe, dropping to the <c>tcpdump</c> user once its socket is open (<c>-Z</c>, as
/// Debian builds it); the learner's display flags go to a second tcpdump that only decodes that pcap from stdin
/// (<c>-r -</c>), as a sandboxed client program of the lab (unprivileged uid, no capabilities, bwrap), so the packet
/// decoders never run with privilege. Bounded: <see cref="CaptureArguments.MaxPackets"/>, <see cref="MaxDuration"/>,
/// <see cref="MaxPcapBytes"/>.
/// </summary>
internal static class NodeCapture
{
    public const string HostTcpdump = "/usr/bin/tcpdump";
    public static readonly TimeSpan MaxDuration = TimeSpan.FromSeconds(8);
    public static readonly TimeSpan AfterWhile = TimeSpan.FromMilliseconds(500);
    private const int MaxPcapBytes = 4 * 1024 * 1024;
    private const int SnapLength = 2048;

    public static async Task<NodeCaptureReply> RunAsync(NetnsCluster lab, LabNode node, NodeCaptureRequest request, CancellationToken ct)
    {
        CaptureArguments args;
        try
        {
            args = CaptureArguments.Parse(request.Arguments);
        }
        catch (ClusterException e)
        {
            return new NodeCaptureReply(1, "", e.Message + "\n");
        }
        if (!File.Exists(HostTcpdump))
        {
            return new NodeCaptureReply(1, "", $"tcpdump: this host has no {HostTcpdump} (scripts/setup.sh installs Debian's tcpdump)\n");
        }

        var psi = new ProcessStartInfo("/usr/bin/nsenter")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] argv = ["--net=" + LabNames.NetnsPath(node.Netns), "--", HostTcpdump, "-i", args.Interface, "--immediate-mode", "-U", "-w", "-", "-c", args.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-s", SnapLength.ToString(System.Globalization.CultureInfo.InvariantCulture), "-Z", "tcpdump", "--"];
        foreach (var a in argv)
        {
            psi.ArgumentList.Add(a);
        }
        if (args.Expression.Length > 0)
        {
            psi.ArgumentList.Add(args.Expression);
        }

        using var capture = Process.Start(psi) ?? throw new ClusterException("tcpdump: could not start the capture");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(MaxDuration);
        var pcap = ReadBoundedAsync(capture.StandardOutput.BaseStream, MaxPcapBytes);
        var captureErrors = new StringBuilder();
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var errorsDone = Task.Run(async () =>
        {
            while (await capture.StandardError.ReadLineAsync(CancellationToken.None) is { } line)
            {
                if (line.Contains("listening on", StringComparison.Ordinal))
                {
                    listening.TrySetResult();
                }
                else if (captureErrors.Length < 4096)
                {
                    captureErrors.AppendLine(line);
                }
            }
            listening.TrySetResult();
        }, CancellationToken.None);

        string? whileOutput = null;
        int? whileExit = null;
        try
        {
            await listening.Task.WaitAsync(deadline.Token);
            if (request.While is { } exec)
            {
                using var stdout = new MemoryStream();
                whileExit = await lab.ExecAsync(exec with { Timeout = MaxDuration }, new ExecStreams(stdout, stdout), deadline.Token);
                whileOutput = Encoding.UTF8.GetString(stdout.GetBuffer(), 0, (int)Math.Min(stdout.Length, 64 * 1024));
                await Task.Delay(AfterWhile, deadline.Token);
            }
            else
            {
                await capture.WaitForExitAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The duration cap: stop with what was captured.
        }
        finally
        {
            if (!capture.HasExited)
            {
                // SIGINT: tcpdump flushes what it has and exits.
                _ = Kernel.Interop.Libc.Kill(capture.Id, Kernel.Interop.Libc.SigInt);
            }
            await capture.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None)
                .ContinueWith(t => { if (t.IsFaulted) { capture.Kill(entireProcessTree: true); } }, TaskScheduler.Default);
            await errorsDone;
        }
        var bytes = await pcap;
        if (bytes.Length == 0)
        {
            return new NodeCaptureReply(1, "", "tcpdump: " + captureErrors.ToString().Trim() + "\n", whileOutput, whileExit);
        }

        // Decoding: the learner's display flags, unprivileged, from the pcap on stdin.
        using var decoded = new MemoryStream();
        using var decodeErrors = new MemoryStream();
        var run = new ClientRun(Resolve(HostTcpdump), "/usr/local/bin/tcpdump", ["-r", "-", .. args.DisplayFlags], [], new Dictionary<string, string>(), "/",
            TimeSpan.FromSeconds(10), 256L * 1024 * 1024);
        var exit = await lab.RunClientAsync(run, new ExecStreams(decoded, decodeErrors, new MemoryStream(bytes)), ct);
        var output = Encoding.UTF8.GetString(decoded.GetBuffer(), 0, (int)Math.Min(decoded.Length, 1024 * 1024));
        var errors = Encoding.UTF8.GetString(decodeErrors.GetBuffer(), 0, (int)Math.Min(decodeErrors.Length, 16 * 1024));
        // tcpdump's own lines as a capture prints them: listening first, the counts last.
        return new NodeCaptureReply(exit, output, $"tcpdump: listening on {args.Interface} of node {node.Name}\n{captureErrors}", whileOutput, whileExit);
    }

    private static async Task<byte[]> ReadBoundedAsync(Stream stream, int max)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int n;
        while ((n = await stream.ReadAsync(chunk)) > 0)
        {
            if (buffer.Length + n <= max)
            {
                buffer.Write(chunk, 0, n);
            }
        }
        return buffer.ToArray();
    }

    private static string Resolve(string path) => new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
}
