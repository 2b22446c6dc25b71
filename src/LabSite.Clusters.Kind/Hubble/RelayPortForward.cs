using k8s;
using LabSite.Clusters.Contract;

namespace LabSite.Clusters.Kind.Hubble;

/// <summary>
/// A byte stream to hubble-relay's gRPC port (4245) inside a kind cluster, as <c>kubectl port-forward svc/hubble-relay</c>
/// opens it: the Running relay pod (label <c>k8s-app=hubble-relay</c>) and KubernetesClient's port-forward WebSocket,
/// one per connection. Tested against a netns lab's Kubernetes API (its <c>pods/portforward</c> frames as the kubelet
/// does) with a stand-in pod on 4245; only a real kind run puts Hubble Relay's gRPC behind it.
/// </summary>
public static class RelayPortForward
{
    public const string Selector = "k8s-app=hubble-relay";
    public const int Port = 4245;

    public static async ValueTask<Stream> ConnectAsync(Func<k8s.Kubernetes> connect, CancellationToken ct)
    {
        var kube = connect();
        try
        {
            var pods = await kube.CoreV1.ListNamespacedPodAsync("kube-system", labelSelector: Selector, cancellationToken: ct);
            var pod = pods.Items.FirstOrDefault(p => p.Status?.Phase == "Running" && p.Metadata.DeletionTimestamp is null)
                ?? throw new ClusterException($"no running hubble-relay: no Running pod in kube-system with label {Selector} (Hubble Relay is on in infra/kind/cilium-values.yaml)");
            var socket = await kube.WebSocketNamespacedPodPortForwardAsync(pod.Metadata.Name, "kube-system", [Port], "v4.channel.k8s.io", cancellationToken: ct);
            var demux = new StreamDemuxer(socket, StreamType.PortForward);
            demux.Start();
            return new OwningStream(demux.GetStream((byte?)0, (byte?)0), demux, socket, kube);
        }
        catch
        {
            kube.Dispose();
            throw;
        }
    }

    /// <summary>The forwarded stream; disposing it closes the demuxer, the WebSocket and the client behind it.</summary>
    private sealed class OwningStream(Stream inner, params IDisposable[] owned) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                foreach (var o in owned)
                {
                    o.Dispose();
                }
            }
            base.Dispose(disposing);
        }
    }
}
