using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Netns.Store;

namespace LabSite.Clusters.Netns.RuntimeSecurity.Policy;

/// <summary>
/// Follows the lab's TracingPolicies in the object store and enforces them through the lab's <see cref="LabRuntime"/>.
/// The store validated each one (the same parser), so here a policy only fails when the host's rule slots run out;
/// that is kept in <see cref="LastError"/> and the previous rules stay.
/// </summary>
internal sealed class TracingPolicyAgent : IDisposable
{
    private readonly LabRuntime _runtime;
    private readonly Func<bool> _lsm;
    private readonly Dictionary<string, TracingPolicy> _policies = new(StringComparer.Ordinal);
    private readonly IDisposable _subscription;

    public TracingPolicyAgent(ObjectStore store, LabRuntime runtime, Func<bool> lsmEnforcement)
    {
        _runtime = runtime;
        _lsm = lsmEnforcement;
        _subscription = store.Subscribe(OnChange);
    }

    public string? LastError { get; private set; }

    private void OnChange(ObjectChange change)
    {
        if (change.Kind != ResourceKinds.TracingPolicy && change.Kind != ResourceKinds.TracingPolicyNamespaced)
        {
            return;
        }

        lock (_policies)
        {
            var key = $"{change.Kind.Kind}/{change.Object.Namespace}/{change.Object.Name}";
            if (change.Type == ChangeType.Deleted)
            {
                _policies.Remove(key);
            }
            else if (TracingPolicyParser.Parse(change.Object.Json, _lsm()).Policy is { } policy)
            {
                _policies[key] = policy;
            }

            try
            {
                _runtime.SetPolicies(_policies.Values.ToList());
                LastError = null;
            }
            catch (Exception e) when (e is InvalidOperationException or Bpf.BpfException or ClusterException)
            {
                LastError = $"{change}: {e.Message}";
            }
        }
    }

    public void Dispose() => _subscription.Dispose();
}
