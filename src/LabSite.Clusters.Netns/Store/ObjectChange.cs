using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Clusters.Netns.Store;

public enum ChangeType { Added, Modified, Deleted }

/// <summary>
/// One committed change, as a Kubernetes watch event. <see cref="Object"/> is the new state
/// (for <see cref="ChangeType.Deleted"/>: the last state); <see cref="Previous"/> the state before, when there was one.
/// Services' selected backends arrive as changes of kind <c>Endpoints</c> (same name as the Service).
/// </summary>
public sealed record ObjectChange(ChangeType Type, ResourceKind Kind, KubeObject Object, KubeObject? Previous)
{
    public override string ToString() => $"{Type} {Kind.Kind} {Object.Namespace}/{Object.Name}";
}
