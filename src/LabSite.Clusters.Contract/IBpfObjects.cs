using System.Text.Json.Serialization;

namespace LabSite.Clusters.Contract;

/// <summary>
/// A cluster whose eBPF programs and maps live on this host (the netns backend, run in this process or in the lab agent
/// reached over its unix socket): their kernel ids and the lab's bpffs pin folder, so the lab shell's <c>bpftool</c> can
/// show these objects and refuse every other.
/// </summary>
public interface IBpfObjects
{
    /// <summary>A snapshot: per-endpoint policy maps come and go with pods.</summary>
    Task<LabBpfObjects> GetBpfObjectsAsync(CancellationToken ct);
}

/// <summary>Written as <c>"program"</c> / <c>"map"</c> in the agent API (bpftool's own words).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BpfObjectKind>))]
public enum BpfObjectKind
{
    [JsonStringEnumMemberName("program")]
    Program,

    [JsonStringEnumMemberName("map")]
    Map,
}

/// <summary>One program or map by kernel id; <see cref="PinnedPath"/> when it is pinned in the lab's folder.</summary>
public sealed record BpfObjectRef(BpfObjectKind Kind, uint Id, string? PinnedPath = null);

/// <summary>Every program and map of one lab, sorted by kind then id, and the bpffs folder its pins live in.</summary>
public sealed record LabBpfObjects(string PinDirectory, IReadOnlyList<BpfObjectRef> Objects)
{
    public IReadOnlySet<uint> Ids(BpfObjectKind kind) => Objects.Where(o => o.Kind == kind).Select(o => o.Id).ToHashSet();

    /// <summary>Why bpftool cannot serve <paramref name="cluster"/>: its backend (e.g. kind) keeps no objects of ours here.</summary>
    public static string NoneIn(ILabCluster cluster) =>
        $"cluster \"{cluster.Name}\" ({cluster.Backend}) has no eBPF objects of its own on this host (bpftool works on netns clusters)";
}
