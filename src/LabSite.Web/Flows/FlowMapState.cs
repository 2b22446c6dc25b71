using System.Globalization;
using System.Text.RegularExpressions;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Identity;
using Endpoint = LabSite.Clusters.Contract.Flows.Endpoint;

namespace LabSite.Web.Flows;

/// <summary>How the map colours a flow: forwarded, dropped by the datapath, or refused by the L7 proxy.</summary>
public enum FlowClass { Forwarded, Dropped, L7Denied }

/// <summary>A workload on the map: a namespace column, a name (the workload, else the pod, else the reserved entity) and its identity.</summary>
public sealed record FlowNode(string Key, string Namespace, string Name, uint Identity, double X, double Y);

/// <summary>Requests between two nodes of one class, with how many flows were seen.</summary>
public sealed record FlowEdge(string Key, FlowNode From, FlowNode To, FlowClass Class, int Count);

/// <summary>
/// What the flow map shows for one circuit: the newest <see cref="Capacity"/> flows (older ones are forgotten, so a
/// busy lab cannot grow a circuit's memory), the nodes and edges they make, laid out deterministically in namespace
/// columns. Not thread-safe: the component adds flows on its renderer's dispatcher.
/// </summary>
public sealed partial class FlowMapState(int capacity = FlowMapState.DefaultCapacity)
{
    public const int DefaultCapacity = 500;

    /// <summary>The column of peers outside the cluster's pods (world, host, ...).</summary>
    public const string OutsideColumn = "(outside pods)";

    public const double ColumnWidth = 220;
    public const double RowHeight = 64;
    public const double NodeWidth = 170;
    public const double NodeHeight = 40;
    public const double Margin = 36;

    private readonly LinkedList<FlowRecord> _flows = new();
    private readonly Dictionary<string, (string Namespace, string Name, uint Identity)> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<(string From, string To, FlowClass Class), int> _edges = [];
    private IReadOnlyList<FlowNode>? _layout;

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), "the flow map keeps at least one flow");

    /// <summary>Flows kept, oldest first.</summary>
    public IReadOnlyCollection<FlowRecord> Flows => _flows;

    /// <summary>Flows seen since the map started, kept or not.</summary>
    public long Seen { get; private set; }

    /// <summary>Flows the cluster's ring lost before the map read them (Hubble's lost-events notices).</summary>
    public long Lost { get; private set; }

    public void AddLost(long count) => Lost += Math.Max(0, count);

    public void Add(FlowRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Seen++;
        _flows.AddLast(record);
        if (_flows.Count > Capacity)
        {
            var old = _flows.First!.Value;
            _flows.RemoveFirst();
            Count(old, -1);
        }
        Count(record, +1);
    }

    public static FlowClass ClassOf(Flow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        return flow.Verdict != Verdict.DROPPED ? FlowClass.Forwarded
            : flow.Type == FlowType.L7 || flow.L7?.Http is not null ? FlowClass.L7Denied
            : FlowClass.Dropped;
    }

    /// <summary>
    /// The node a flow endpoint belongs to: namespace and workload (else the Deployment its generated pod name shows, else
    /// the pod), or a reserved entity, else the address. Replicas of one Deployment share an identity and are one node.
    /// </summary>
    public static (string Key, string Namespace, string Name, uint Identity) NodeOf(Endpoint? e, string? ip)
    {
        var identity = e?.Identity ?? 0;
        if (e is { PodName.Length: > 0 })
        {
            var name = e.Workloads.FirstOrDefault()?.Name is { Length: > 0 } w ? w
                : DeploymentPodName().Match(e.PodName) is { Success: true } m ? m.Groups["deployment"].Value
                : e.PodName;
            return ($"{e.Namespace}/{name}", e.Namespace, name, identity);
        }
        var label = new NumericIdentity(identity).ReservedName is { } reserved && identity != 0 ? reserved
            : ip is { Length: > 0 } ? ip
            : $"identity {identity.ToString(CultureInfo.InvariantCulture)}";
        return ($"{OutsideColumn}/{label}", OutsideColumn, label, identity);
    }

    /// <summary>Nodes in namespace columns (namespaces sorted, outside peers last), names sorted within a column.</summary>
    public IReadOnlyList<FlowNode> Nodes => _layout ??= Layout();

    public IReadOnlyList<FlowEdge> Edges
    {
        get
        {
            var nodes = Nodes.ToDictionary(n => n.Key, StringComparer.Ordinal);
            return _edges.Where(e => e.Value > 0)
                .OrderBy(e => e.Key.From, StringComparer.Ordinal).ThenBy(e => e.Key.To, StringComparer.Ordinal).ThenBy(e => e.Key.Class)
                .Select(e => new FlowEdge($"{e.Key.From}>{e.Key.To}>{e.Key.Class}", nodes[e.Key.From], nodes[e.Key.To], e.Key.Class, e.Value))
                .ToList();
        }
    }

    public IReadOnlyList<string> Columns => Nodes.Select(n => n.Namespace).Distinct().ToList();

    public double Width => Math.Max(1, Columns.Count) * ColumnWidth + Margin;

    public double Height => Margin * 2 + Math.Max(1, Nodes.GroupBy(n => n.Namespace).Select(g => g.Count()).DefaultIfEmpty(1).Max()) * RowHeight;

    // Replies travel the request's edge back: only requests draw edges, as Hubble UI does, so an allowed
    // connection is one arrow, not two.
    private void Count(FlowRecord record, int delta)
    {
        var f = record.Flow;
        if (f.IsReply == true)
        {
            return;
        }
        var from = NodeOf(f.Source, f.IP?.Source);
        var to = NodeOf(f.Destination, f.IP?.Destination);
        if (delta > 0 && (_nodes.TryAdd(from.Key, (from.Namespace, from.Name, from.Identity)) | _nodes.TryAdd(to.Key, (to.Namespace, to.Name, to.Identity))))
        {
            _layout = null;
        }
        var key = (from.Key, to.Key, ClassOf(f));
        _edges[key] = _edges.GetValueOrDefault(key) + delta;
        if (_edges[key] <= 0)
        {
            _edges.Remove(key);
            if (delta < 0)
            {
                ForgetUnusedNodes();
            }
        }
    }

    private void ForgetUnusedNodes()
    {
        var used = _edges.Keys.SelectMany(k => new[] { k.From, k.To }).ToHashSet(StringComparer.Ordinal);
        foreach (var key in _nodes.Keys.Where(k => !used.Contains(k)).ToList())
        {
            _nodes.Remove(key);
            _layout = null;
        }
    }

    private List<FlowNode> Layout()
    {
        var columns = _nodes.Values.Select(n => n.Namespace).Distinct()
            .OrderBy(ns => ns == OutsideColumn ? 1 : 0).ThenBy(ns => ns, StringComparer.Ordinal).ToList();
        var layout = new List<FlowNode>();
        for (var c = 0; c < columns.Count; c++)
        {
            var inColumn = _nodes.Where(n => n.Value.Namespace == columns[c]).OrderBy(n => n.Value.Name, StringComparer.Ordinal).ToList();
            for (var r = 0; r < inColumn.Count; r++)
            {
                var (ns, name, identity) = inColumn[r].Value;
                layout.Add(new FlowNode(inColumn[r].Key, ns, name, identity, Margin + c * ColumnWidth, Margin + 12 + r * RowHeight));
            }
        }
        return layout;
    }

    // A ReplicaSet's pod, as Kubernetes names it: <deployment>-<pod-template-hash>-<5 characters>, both suffixes in its
    // vowel-free alphabet (PodTemplateHash in the netns store writes the same).
    [GeneratedRegex("^(?<deployment>[a-z0-9]([-a-z0-9]*[a-z0-9])?)-[bcdfghjklmnpqrstvwxz2456789]{5,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$")]
    private static partial Regex DeploymentPodName();
}
