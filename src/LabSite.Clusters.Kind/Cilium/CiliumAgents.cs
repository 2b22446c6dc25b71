using System.Text;
using k8s;
using LabSite.Clusters.Contract;

namespace LabSite.Clusters.Kind.Cilium;

/// <summary>
/// The Cilium agent of each node, as <c>kubectl -n kube-system exec ds/cilium -c cilium-agent -- cilium-dbg ...</c>
/// reaches it: pods labelled <c>k8s-app=cilium</c>, one per node (spec.nodeName), exec through KubernetesClient.
/// Each agent knows its own node's endpoints and policy maps; identities, ipcache and services are cluster-wide.
/// </summary>
public sealed class CiliumAgents(Func<k8s.Kubernetes> connect, IReadOnlyList<string> command)
{
    public const string Namespace = "kube-system";
    public const string Selector = "k8s-app=cilium";
    public const string Container = "cilium-agent";

    /// <summary>Most output one cilium-dbg run may return (16 MiB): a dump larger than that is not a lab's.</summary>
    public const int MaxOutputBytes = 16 * 1024 * 1024;

    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    /// <summary>The running agent pods, by node name; an empty cluster (Cilium not installed or not ready) is an error naming the selector.</summary>
    public async Task<IReadOnlyList<AgentPod>> ListAsync(CancellationToken ct)
    {
        using var kube = connect();
        var pods = await kube.CoreV1.ListNamespacedPodAsync(Namespace, labelSelector: Selector, cancellationToken: ct);
        var running = pods.Items.Where(p => p.Status?.Phase == "Running" && p.Metadata.DeletionTimestamp is null)
            .Select(p => new AgentPod(p.Metadata.Name, p.Spec.NodeName ?? ""))
            .OrderBy(p => p.Node, StringComparer.Ordinal).ToList();
        return running.Count > 0 ? running
            : throw new ClusterException($"no running Cilium agent: no Running pod in {Namespace} with label {Selector} (is Cilium installed and ready?)");
    }

    /// <summary>The agent on <paramref name="node"/>; a node without one is an error naming it.</summary>
    public async Task<AgentPod> OnNodeAsync(string node, CancellationToken ct) =>
        (await ListAsync(ct)).FirstOrDefault(p => p.Node == node)
            ?? throw new ClusterException($"no running Cilium agent on node {node} (pods {Namespace}/{Selector})");

    /// <summary>
    /// Runs <c>cilium-dbg ARGS</c> in <paramref name="pod"/>: stdout on exit 0, else null with stderr's last line in
    /// Failure; an exec that cannot run at all throws <see cref="ClusterException"/> naming pod and command.
    /// </summary>
    public async Task<(string? Output, string Failure)> TryRunAsync(AgentPod pod, IReadOnlyList<string> args, CancellationToken ct)
    {
        using var kube = connect();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(s_timeout);
        var stdout = new BoundedBuffer(MaxOutputBytes);
        var stderr = new BoundedBuffer(64 * 1024);
        int code;
        try
        {
            code = await kube.NamespacedPodExecAsync(pod.Name, Namespace, Container, [.. command, .. args], false,
                async (_, output, error) => await Task.WhenAll(output.CopyToAsync(stdout, cts.Token), error.CopyToAsync(stderr, cts.Token)), cts.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            throw new ClusterException($"cilium-dbg {string.Join(' ', args)} in {Namespace}/{pod.Name}: {(e is OperationCanceledException ? $"no answer in {s_timeout.TotalSeconds:0}s" : e.Message)}", e);
        }
        if (stdout.Overflowed)
        {
            throw new ClusterException($"cilium-dbg {string.Join(' ', args)} in {Namespace}/{pod.Name}: more than {MaxOutputBytes / (1024 * 1024)} MiB of output");
        }
        var err = stderr.Text().Trim();
        return code == 0 ? (stdout.Text(), "") : (null, err.Length > 0 ? err.Split('\n')[^1] : $"exit code {code}");
    }

    /// <summary>Like <see cref="TryRunAsync"/>, but a failure throws naming pod, command and the agent's message.</summary>
    public async Task<string> RunAsync(AgentPod pod, IReadOnlyList<string> args, CancellationToken ct)
    {
        var (output, failure) = await TryRunAsync(pod, args, ct);
        return output ?? throw new ClusterException($"cilium-dbg {string.Join(' ', args)} in {Namespace}/{pod.Name}: {failure}");
    }

    /// <summary>Reads a command's output and parses it; what the parser refuses is an error naming the pod.</summary>
    public static T Parse<T>(AgentPod pod, IReadOnlyList<string> args, string output, Func<string, T> parse)
    {
        try
        {
            return parse(output);
        }
        catch (FormatException e)
        {
            throw new ClusterException($"cilium-dbg {string.Join(' ', args)} in {Namespace}/{pod.Name}: unexpected output: {e.Message}", e);
        }
    }

    /// <summary>Collects up to a limit, then only notes that more came (so a runaway output cannot exhaust memory).</summary>
    private sealed class BoundedBuffer(int limit) : Stream
    {
        private readonly MemoryStream _bytes = new();

        public bool Overflowed { get; private set; }

        public string Text() => Encoding.UTF8.GetString(_bytes.GetBuffer(), 0, (int)_bytes.Length);

        public override void Write(byte[] buffer, int offset, int count)
        {
            var room = (int)Math.Min(count, limit - _bytes.Length);
            Overflowed |= room < count;
            if (room > 0)
            {
                _bytes.Write(buffer, offset, room);
            }
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _bytes.Length;

        public override long Position { get => _bytes.Length; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _bytes.Dispose();
            base.Dispose(disposing);
        }
    }
}

/// <summary>One node's Cilium agent pod.</summary>
public sealed record AgentPod(string Name, string Node);
