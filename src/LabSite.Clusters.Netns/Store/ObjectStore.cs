using System.Collections.Immutable;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Netns.Store.Controllers;
using LabSite.Clusters.Netns.Store.Events;
using LabSite.Clusters.Netns.Store.Kinds;
using LabSite.Clusters.Netns.Store.Manifests;
using LabSite.Clusters.Netns.Store.Selectors;
using LabSite.Clusters.Netns.Store.Validation;

namespace LabSite.Clusters.Netns.Store;

/// <summary>
/// One lab cluster's Kubernetes-shaped objects: what <c>kubectl apply/create/delete/get</c> act on.
/// Pure C#: the runtime (netns backend) subscribes to changes and makes them real, then reports pod
/// status back with <see cref="UpdatePodStatus"/>. Built-in controllers keep Deployments' ReplicaSets and
/// pods, and Services' Endpoints, in step within the same commit.
/// Thread-safe. Changes are delivered in commit order, one at a time, never re-entrantly: a handler may call
/// back into the store, and the changes that causes are delivered after the handler returns. The committing
/// thread delivers, unless another thread is delivering already: then that one delivers these changes too, and
/// <see cref="Apply"/> may return before they reach the handlers. Handlers should not
/// throw; if one does, the exception goes to <see cref="StoreOptions.OnHandlerError"/> and delivery goes on.
/// </summary>
public sealed class ObjectStore
{
    public const string DefaultNamespace = "default";

    private readonly object _gate = new();
    private readonly StoreOptions _options;
    private readonly ManifestApplier _applier;
    private readonly ChangeDispatcher _dispatcher;
    private ImmutableSortedDictionary<ObjectKey, JsonObject> _objects = ImmutableSortedDictionary<ObjectKey, JsonObject>.Empty;
    private long _resourceVersion;

    public ObjectStore(StoreOptions options)
    {
        _options = options;
        _dispatcher = new ChangeDispatcher(options.OnHandlerError);
        var ips = new ServiceIpAllocator(options.ServiceCidr, options.ReservedClusterIps);
        _applier = new ManifestApplier(new ObjectValidator(options.PolicyValidator), ips, options.Random);
        Events = new EventLog(options.Time, NextResourceVersion);
        Commit(tx =>
        {
            // A fresh cluster has these, as kubectl shows them.
            foreach (var ns in new[] { DefaultNamespace, "kube-system", "kube-public", "kube-node-lease" })
            {
                tx.Put(new ObjectKey(ResourceKinds.Namespace.Kind, "", ns), ObjectFactory.Namespace(ns, tx.Now));
            }
            return true;
        });
        _dispatcher.Add(change => ControllerEvents.OnChange(change, this), []);
    }

    public ServiceIpAllocator ServiceIps => _applier.Ips;

    /// <summary>The lab's Events (<c>kubectl get events</c>, the end of <c>kubectl describe</c>): the store's controllers and the runtime record them.</summary>
    public EventLog Events { get; }

    /// <summary>A resourceVersion for something kept beside the objects (an Event), in the same sequence as commits.</summary>
    private long NextResourceVersion()
    {
        lock (_gate)
        {
            return ++_resourceVersion;
        }
    }

    /// <summary>The resourceVersion of the last commit (a watch bookmark).</summary>
    public long ResourceVersion
    {
        get
        {
            lock (_gate)
            {
                return _resourceVersion;
            }
        }
    }

    /// <summary>
    /// Applies, creates or deletes every object in <paramref name="manifests"/>: all of them or, on any error, none.
    /// Result lines and errors are kubectl's (<c>pod/x created</c>; <c>Error from server (AlreadyExists): ...</c>).
    /// </summary>
    public ApplyResult Apply(ManifestText manifests, ApplyMode mode)
    {
        IReadOnlyList<ManifestDocument> documents;
        try
        {
            documents = ManifestParser.Parse(manifests.Text, manifests.Source);
        }
        catch (ManifestParseException e)
        {
            return new ApplyResult([], [e.Message]);
        }
        if (documents.Count == 0)
        {
            return new ApplyResult([], [$"error: no objects passed to {Verb(mode)}"]);
        }

        var errors = new List<string>();
        var parsed = new List<ParsedObject>();
        foreach (var document in documents)
        {
            var result = _applier.Check(document, mode);
            errors.AddRange(result.Errors);
            if (result.Object is { } obj)
            {
                parsed.Add(obj);
            }
        }
        // Warnings come with any outcome: they describe the manifest, as kubectl prints them before the result.
        var warnings = parsed.SelectMany(p => p.Warnings).ToList();
        if (errors.Count > 0)
        {
            return new ApplyResult([], errors) { Warnings = warnings };
        }

        var lines = new List<string>();
        Commit(tx =>
        {
            foreach (var obj in parsed)
            {
                var outcome = _applier.Execute(tx, obj, mode);
                if (outcome.Error is { } error)
                {
                    errors.Add(error);
                }
                else
                {
                    lines.Add(outcome.Line!);
                }
            }
            return errors.Count == 0;
        });
        return (errors.Count > 0 ? new ApplyResult([], errors) : new ApplyResult(lines, [])) with { Warnings = warnings };
    }

    /// <summary><c>kubectl delete &lt;kind&gt; &lt;name&gt; [-n ns]</c>: one line or one error.</summary>
    public ApplyResult Delete(string kind, string? ns, string name)
    {
        var info = ServedKinds.Resolve(kind);
        if (info is null)
        {
            return new ApplyResult([], [$"error: the server doesn't have a resource type \"{kind}\""]);
        }
        string? error = null;
        string? line = null;
        Commit(tx =>
        {
            var outcome = _applier.DeleteByName(tx, info, ns ?? DefaultNamespace, name);
            (line, error) = (outcome.Line, outcome.Error);
            return error is null;
        });
        return error is null ? new ApplyResult([line!], []) : new ApplyResult([], [error]);
    }

    /// <summary>
    /// <c>kubectl get</c>: objects of a kind, sorted by namespace then name, deep copies the caller may change.
    /// Throws <see cref="ArgumentException"/> for an unknown kind or a bad selector, with kubectl's message.
    /// </summary>
    public IReadOnlyList<KubeObject> Get(ObjectQuery query)
    {
        if (IsEvents(query.Kind))
        {
            // Events carry no labels: a label selector that needs one matches none of them.
            return Selector(query.LabelSelector).Matches(LabelSelector.LabelsOf(new JsonObject()))
                ? Events.List(query.Namespace ?? DefaultNamespace, query.Name)
                : [];
        }
        var kind = ServedKinds.Resolve(query.Kind)
            ?? throw new ArgumentException($"error: the server doesn't have a resource type \"{query.Kind}\"");
        var selector = Selector(query.LabelSelector);
        var ns = !kind.Namespaced ? "" : query.Namespace ?? DefaultNamespace;
        ImmutableSortedDictionary<ObjectKey, JsonObject> objects;
        lock (_gate)
        {
            objects = _objects;
        }
        return objects
            .Where(kv => kv.Key.Kind == kind.Kind && (ns == "*" || kv.Key.Namespace == ns)
                && (query.Name is null || kv.Key.Name == query.Name)
                && selector.Matches(LabelSelector.LabelsOf(kv.Value)))
            .Select(kv => new KubeObject((JsonObject)kv.Value.DeepClone()))
            .ToList();
    }

    private static LabelSelector Selector(string? text)
    {
        try
        {
            return text is null ? LabelSelector.Everything : LabelSelectorParser.Parse(text);
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"error: {e.Message}");
        }
    }

    /// <summary>One object by kind, namespace and name (namespace ignored for cluster-scoped kinds); a copy.</summary>
    public KubeObject? Find(ResourceKind kind, string? ns, string name)
    {
        lock (_gate)
        {
            var key = new ObjectKey(kind.Kind, kind.Namespaced ? ns ?? DefaultNamespace : "", name);
            return _objects.TryGetValue(key, out var obj) ? new KubeObject((JsonObject)obj.DeepClone()) : null;
        }
    }

    /// <summary>
    /// Replaces a pod's <c>status</c> (e.g. from <see cref="PodStatus"/>), as the kubelet does; Endpoints and
    /// Deployment status follow in the same commit. Returns false when the pod no longer exists (a race with delete).
    /// </summary>
    public bool UpdatePodStatus(string ns, string name, JsonObject status)
    {
        var found = false;
        Commit(tx =>
        {
            var key = new ObjectKey(ResourceKinds.Pod.Kind, ns, name);
            if (tx.Get(key) is not { } pod)
            {
                return false;
            }
            found = true;
            var updated = (JsonObject)pod.DeepClone();
            updated["status"] = status.DeepClone();
            tx.Put(key, updated);
            return true;
        });
        return found;
    }

    /// <summary>Registers the cluster's nodes (Node objects, as kubelets would); pods are scheduled onto them from then on.</summary>
    public void RegisterNodes(IEnumerable<LabNodeSpec> nodes)
    {
        Commit(tx =>
        {
            foreach (var node in nodes)
            {
                tx.Put(new ObjectKey(ResourceKinds.Node.Kind, "", node.Name), ObjectFactory.Node(node, tx.Now));
            }
            return true;
        });
    }

    /// <summary>
    /// Calls <paramref name="handler"/> for every change from now on; with <paramref name="replayExisting"/>, first
    /// with an <see cref="ChangeType.Added"/> for every object already stored (namespaces first, then by kind).
    /// Objects handed to handlers are copies. Dispose the result to stop.
    /// </summary>
    public IDisposable Subscribe(Action<ObjectChange> handler, bool replayExisting = true)
    {
        lock (_gate)
        {
            var replay = replayExisting
                ? _objects.Select(kv => new ObjectChange(ChangeType.Added, ServedKinds.Of(kv.Key), new KubeObject(kv.Value), null))
                    .OrderBy(c => KindOrder(c.Kind)).ToList()
                : [];
            var subscription = _dispatcher.Add(handler, replay);
            _dispatcher.Drain();
            return subscription;
        }
    }

    private static bool IsEvents(string kind) =>
        kind.Trim() is var name && (name.Equals("events", StringComparison.OrdinalIgnoreCase) || name.Equals("event", StringComparison.OrdinalIgnoreCase) || name == "ev" || name == "Event");

    // Namespaces and nodes before what lives on them; pods before the Endpoints that list them.
    private static int KindOrder(ResourceKind kind) => kind == ResourceKinds.Namespace || kind == ResourceKinds.Node ? 0 : kind == ResourceKinds.Endpoints ? 2 : 1;

    private void Commit(Func<StoreTransaction, bool> work)
    {
        lock (_gate)
        {
            var tx = new StoreTransaction(_objects, _resourceVersion, _options.Time);
            if (!work(tx))
            {
                return;
            }
            Reconciler.Run(tx, _applier.Ips, _options.Random, _options.CiliumAgentPods);
            _objects = tx.Result;
            _resourceVersion = tx.ResourceVersion;
            _dispatcher.Enqueue(tx.Changes());
        }
        _dispatcher.Drain();
    }

    private static string Verb(ApplyMode mode) => mode switch { ApplyMode.Apply => "apply", ApplyMode.Create => "create", ApplyMode.Replace => "replace", _ => "delete" };
}
