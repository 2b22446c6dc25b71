namespace LabSite.Sandbox;

/// <summary>
/// A cluster whose eBPF programs and maps live on this host (the netns backend run in this process): their kernel ids
/// and the lab's bpffs pin folder, so the lab shell's <c>bpftool</c> can show these objects and refuse every other.
/// </summary>
public interface IBpfObjects
{
    /// <summary>A snapshot: per-endpoint policy maps come and go with pods.</summary>
    Task<LabBpfObjects> GetBpfObjectsAsync(CancellationToken ct);
}

public enum BpfObjectKind { Program, Map }

/// <summary>One program or map by kernel id; <see cref="PinnedPath"/> when it is pinned in the lab's folder.</summary>
public sealed record BpfObjectRef(BpfObjectKind Kind, uint Id, string? PinnedPath = null);

/// <summary>Every program and map of one lab, sorted by kind then id, and the bpffs folder its pins live in.</summary>
public sealed record LabBpfObjects(string PinDirectory, IReadOnlyList<BpfObjectRef> Objects)
{
    public IReadOnlySet<uint> Ids(BpfObjectKind kind) => Objects.Where(o => o.Kind == kind).Select(o => o.Id).ToHashSet();
}
