using LabSite.Clusters.Contract;
using LabSite.Shell.Builtins;

namespace LabSite.Shell.Bpftool;

/// <summary>An object as <c>bpftool -j ... show</c> lists it: id, kernel name, and (programs) tag.</summary>
public sealed record ListedObject(uint Id, string? Name, string? Tag);

/// <summary>
/// Turns a selector into kernel ids of this lab's objects, or refuses. Ids must be the lab's; a pinned path is only
/// looked up among the lab's own pins (after normalising <c>..</c>), never opened, so neither traversal nor links can
/// reach another lab; names and tags match only among the lab's objects (each lab has its own <c>ls_ipcache</c>).
/// </summary>
public static class LabObjectGate
{
    public static IReadOnlyList<uint> Resolve(BpfSelector selector, BpfObjectKind kind, LabBpfObjects lab, IReadOnlyList<ListedObject>? listed)
    {
        var what = kind == BpfObjectKind.Program ? "program" : "map";
        var own = lab.Objects.Where(o => o.Kind == kind).ToList();
        switch (selector.By)
        {
            case "id":
                var id = uint.Parse(selector.Value, System.Globalization.CultureInfo.InvariantCulture);
                return own.Any(o => o.Id == id) ? [id]
                    : throw new UsageException($"bpftool: {what} id {id} is not one of this lab's {what}s (this lab's: {Ids(own)}; see bpftool {(kind == BpfObjectKind.Program ? "prog" : "map")} show)");
            case "pinned":
                var path = Path.IsPathRooted(selector.Value) ? Path.GetFullPath(selector.Value) : selector.Value;
                if (!path.StartsWith(lab.PinDirectory + "/", StringComparison.Ordinal))
                {
                    throw new UsageException($"bpftool: pinned {selector.Value}: only files in this lab's pin folder {lab.PinDirectory}/ are allowed");
                }
                return own.FirstOrDefault(o => o.PinnedPath == path) is { } pinned ? [pinned.Id]
                    : throw new UsageException($"bpftool: pinned {selector.Value}: no {what} is pinned there; this lab's pinned {what}s: {Pins(own)}");
            default:
                var matches = (listed ?? []).Where(l => own.Any(o => o.Id == l.Id) && (selector.By == "name" ? l.Name == selector.Value : l.Tag == selector.Value))
                    .Select(l => l.Id).ToList();
                return matches.Count > 0 ? matches
                    : throw new UsageException($"bpftool: this lab has no {what} with {selector}; its {what}s: {Names(own, listed)}");
        }
    }

    private static string Ids(IEnumerable<BpfObjectRef> own) => string.Join(", ", own.Select(o => o.Id)) is { Length: > 0 } s ? s : "none";

    private static string Pins(IEnumerable<BpfObjectRef> own) =>
        string.Join(", ", own.Select(o => o.PinnedPath).OfType<string>().Order(StringComparer.Ordinal)) is { Length: > 0 } s ? s : "none";

    private static string Names(IEnumerable<BpfObjectRef> own, IReadOnlyList<ListedObject>? listed) =>
        string.Join(", ", own.Select(o => listed?.FirstOrDefault(l => l.Id == o.Id)?.Name is { Length: > 0 } n ? $"{n} (id {o.Id})" : $"id {o.Id}")) is { Length: > 0 } s ? s : "none";
}
