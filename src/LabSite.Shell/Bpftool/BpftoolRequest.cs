using LabSite.Clusters.Contract;

namespace LabSite.Shell.Bpftool;

/// <summary>How the learner named one object: <c>id 42</c>, <c>pinned /sys/fs/bpf/...</c>, <c>name ls_ipcache</c>, <c>tag 6f3c...</c>.</summary>
public sealed record BpfSelector(string By, string Value)
{
    public override string ToString() => $"{By} {Value}";
}

/// <summary>
/// One allowed bpftool invocation, parsed: output options, the object kind, the verb words (<c>show</c>, <c>dump</c>,
/// <c>dump xlated</c> ...), the selector (null = every object of the lab) and the checked words after it
/// (<c>key 0x0a 0 0 1</c>, <c>opcodes</c>). <see cref="BpftoolCommand"/> turns it into argv with ids only.
/// </summary>
public sealed record BpftoolRequest(bool Json, bool Pretty, BpfObjectKind Kind, IReadOnlyList<string> Verb, BpfSelector? Selector, IReadOnlyList<string> Tail)
{
    /// <summary><c>bpftool version</c> names no object (its <see cref="Kind"/> is unused).</summary>
    public static BpftoolRequest Version(bool json, bool pretty) => new(json, pretty, BpfObjectKind.Map, ["version"], null, []);

    public bool IsVersion => Verb is ["version"];

    public bool IsShow => Verb is ["show"];

    /// <summary>bpftool's own word for the kind.</summary>
    public string KindWord => Kind == BpfObjectKind.Program ? "prog" : "map";

    /// <summary>The options part of every argv we build: -j, or -j -p (bpftool's -p implies -j).</summary>
    public IReadOnlyList<string> Options => Pretty ? ["-j", "-p"] : Json ? ["-j"] : [];

    /// <summary>The argv for one object: options, kind, verb, <c>id N</c>, tail. Nothing the learner typed passes unchecked.</summary>
    public IReadOnlyList<string> ArgvFor(uint id) => [.. Options, KindWord, .. Verb, "id", id.ToString(System.Globalization.CultureInfo.InvariantCulture), .. Tail];

    /// <summary>The argv listing every object of the kind (filtered to the lab's afterwards).</summary>
    public IReadOnlyList<string> ListArgv(bool json) => [.. json ? (Pretty ? ["-j", "-p"] : ["-j"]) : Array.Empty<string>(), KindWord, "show"];
}
