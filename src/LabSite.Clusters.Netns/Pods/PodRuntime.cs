using System.Net;
using System.Net.Sockets;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Kernel;
using LabSite.Clusters.Netns.Workloads;

namespace LabSite.Clusters.Netns.Pods;

/// <summary>
/// One running pod: its namespace, veth, address, the built-in workloads of its containers and their
/// sockets. Created by <see cref="NetnsCluster"/> (which holds the lab lock around every change).
/// </summary>
public sealed class PodRuntime
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Socket> _sockets = [];
    private readonly List<Task> _serving = [];
    private readonly List<ContainerState> _containers = [];

    internal PodRuntime(PodSpec spec, int number, string netns, string nodeVeth, IPAddress ip, IPAddress hostIp, LabNode? node = null)
    {
        Node = node ?? new LabNode(0, spec.NodeName ?? "", "", hostIp, "", null);
        Spec = spec;
        Number = number;
        Netns = netns;
        NodeVeth = nodeVeth;
        Ip = ip;
        HostIp = hostIp;
        CreatedAt = DateTimeOffset.UtcNow;
        foreach (var c in spec.Containers)
        {
            _containers.Add(new ContainerState(c.Name, c.Image, false, null, "ContainerCreating", null));
        }
    }

    public PodSpec Spec { get; private set; }

    /// <summary>Per-lab sequence number; names the pod's netns (<c>ls-lab1-p3</c>) and files.</summary>
    public int Number { get; }

    public string Netns { get; }

    public string NodeVeth { get; }

    /// <summary>The node the pod runs on: its node-side veth lives in that node's namespace.</summary>
    public LabNode Node { get; }

    public IPAddress Ip { get; }

    public IPAddress HostIp { get; }

    public DateTimeOffset CreatedAt { get; }

    public DateTimeOffset? StartedAt { get; private set; }

    public PodLog Log { get; } = new();

    public PodRuntimeStatus Status
    {
        get
        {
            var phase = StartedAt is not null && _containers.All(c => c.WaitingReason is null) ? PodPhase.Running : PodPhase.Pending;
            return new PodRuntimeStatus(phase, StartedAt is null && phase == PodPhase.Pending && _containers.All(c => c.WaitingReason == "ContainerCreating") ? null : Ip, HostIp, CreatedAt, StartedAt, _containers.ToList());
        }
    }

    public bool Ready => Status.Ready;

    /// <summary>Relabels the pod (kubectl label); the caller re-evaluates services.</summary>
    internal void SetLabels(IReadOnlyDictionary<string, string> labels) => Spec = Spec with { Labels = labels };

    /// <summary>
    /// Resolves each container's image, opens every listener inside the pod's namespace in one thread
    /// trip, and starts serving. A container with an unknown image stays waiting in ErrImagePull.
    /// </summary>
    internal async Task StartAsync()
    {
        var plan = new List<(IWorkload Workload, WorkloadContext Context, Listener Listener)>();
        var resolved = new List<(int Index, IWorkload? Workload, WorkloadContext Context, string? Error)>();
        for (var i = 0; i < Spec.Containers.Count; i++)
        {
            var c = Spec.Containers[i];
            var context = new WorkloadContext(Spec, c, Ip, Log);
            var workload = WorkloadCatalog.Resolve(c.Image, out var error);
            resolved.Add((i, workload, context, error));
            if (workload is not null)
            {
                plan.AddRange(workload.Listeners(context).Select(l => (workload, context, l)));
            }
        }

        List<Socket> opened;
        try
        {
            opened = await NetnsThread.RunAsync(LabNames.NetnsPath(Netns), () => OpenAll(plan.Select(p => p.Listener)));
        }
        catch (ClusterException e)
        {
            // E.g. two containers on one port: the pod stays Pending, saying why, as a failed container start does.
            for (var i = 0; i < _containers.Count; i++)
            {
                _containers[i] = _containers[i] with { WaitingReason = "CreateContainerError", WaitingMessage = e.Message };
                Log.Write(_containers[i].Name, e.Message);
            }

            return;
        }

        _sockets.AddRange(opened);
        for (var i = 0; i < plan.Count; i++)
        {
            _serving.Add(plan[i].Workload.Serve(opened[i], plan[i].Listener, plan[i].Context, _stopping.Token));
        }

        var now = DateTimeOffset.UtcNow;
        foreach (var (index, workload, context, error) in resolved)
        {
            var c = Spec.Containers[index];
            if (workload is null)
            {
                _containers[index] = new ContainerState(c.Name, c.Image, false, null, "ErrImagePull", error);
                Log.Write(c.Name, error!);
                continue;
            }

            foreach (var line in workload.StartupLines(context))
            {
                context.WriteLog(line);
            }

            _containers[index] = new ContainerState(c.Name, c.Image, true, now);
        }

        StartedAt = now;
    }

    /// <summary>Stops serving and closes the sockets, which also releases the netns for deletion.</summary>
    internal async Task StopAsync()
    {
        await _stopping.CancelAsync();
        foreach (var s in _sockets)
        {
            s.Dispose();
        }

        await Task.WhenAll(_serving.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        _sockets.Clear();
    }

    /// <summary>Opens every listener or none: on failure the ones already open are closed.</summary>
    private static List<Socket> OpenAll(IEnumerable<Listener> listeners)
    {
        var opened = new List<Socket>();
        try
        {
            foreach (var l in listeners)
            {
                opened.Add(Open(l));
            }

            return opened;
        }
        catch
        {
            opened.ForEach(s => s.Dispose());
            throw;
        }
    }

    private static Socket Open(Listener l)
    {
        var s = l.Protocol == ProtocolType.Udp
            ? new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)
            : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // No ReuseAddress: .NET sets SO_REUSEPORT with it on Linux, which would let two containers share a port.
            s.Bind(new IPEndPoint(IPAddress.Any, l.Port));
            if (l.Protocol == ProtocolType.Tcp)
            {
                s.Listen(512);
            }

            return s;
        }
        catch (SocketException e)
        {
            s.Dispose();
            throw new ClusterException($"listen on port {l.Port}/{l.Protocol.ToString().ToUpperInvariant()}: {e.Message}", e);
        }
    }
}
