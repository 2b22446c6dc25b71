using System.Text.Json.Serialization;

namespace LabSite.Clusters.Contract.LearnerBpf;

/// <summary>
/// The learner's own eBPF programs in a lab: compiled by a sandboxed clang, checked and loaded by the backend (only
/// <c>sched_cls</c> programs on the tc hooks of the learner's own pods' interfaces, capped instructions and maps,
/// allow-listed helpers), listed with their maps' totals, unloaded on request and removed with the lab.
/// Implemented by the netns backend; the agent serves it to the lab shell's <c>clang</c> and <c>bpf</c> commands.
/// </summary>
public interface ILearnerBpf
{
    /// <summary>Runs clang on the learner's files; a compile error is a result (exit code and diagnostics), not an exception.</summary>
    Task<BpfCompileResult> CompileBpfAsync(BpfCompileRequest request, CancellationToken ct);

    /// <summary>Checks, loads and attaches; a refusal or a verifier rejection throws a <see cref="ClusterException"/> saying why (with the verifier's log).</summary>
    Task<LearnerBpfProgram> LoadBpfAsync(LearnerBpfLoadRequest request, CancellationToken ct);

    Task<IReadOnlyList<LearnerBpfProgram>> ListBpfAsync(CancellationToken ct);

    /// <summary>Detaches and unloads the program loaded under <paramref name="name"/>; false when there is none.</summary>
    Task<bool> UnloadBpfAsync(string name, CancellationToken ct);
}

/// <summary>One clang run: <see cref="Invocation"/> (already checked by <see cref="ClangArguments"/>) and the lab folder's files it may include.</summary>
public sealed record BpfCompileRequest(ClangInvocation Invocation, IReadOnlyDictionary<string, byte[]> Files);

/// <summary>clang's exit code and diagnostics; <see cref="Object"/> holds the ELF object when it succeeded.</summary>
public sealed record BpfCompileResult(int ExitCode, string Diagnostics, byte[]? Object);

/// <summary>Where a learner's program runs: the tc hook of the pod's own <c>eth0</c>, inside the pod.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BpfHook>))]
public enum BpfHook
{
    /// <summary>Packets arriving at the pod, after Cilium's policy has let them through.</summary>
    [JsonStringEnumMemberName("ingress")]
    Ingress,

    /// <summary>Packets the pod sends, before they reach Cilium's programs on the node.</summary>
    [JsonStringEnumMemberName("egress")]
    Egress,
}

/// <summary>Load <see cref="Object"/> under <see cref="Name"/> and attach it to a pod's hook (<see cref="Program"/> picks one of several programs).</summary>
public sealed record LearnerBpfLoadRequest(string Name, byte[] Object, string Namespace, string Pod, BpfHook Hook, string? Program = null);

/// <summary>
/// A loaded program of the learner: where it is attached (a sched_cls program on the tc <see cref="Hook"/> of the pod's
/// <see cref="Interface"/>; a socket_filter, with no hook, on a packet socket in the pod), its kernel id and its maps.
/// </summary>
public sealed record LearnerBpfProgram(
    string Name,
    string Namespace,
    string Pod,
    string Interface,
    BpfHook? Hook,
    string ProgramName,
    string ProgramType,
    uint ProgramId,
    int Instructions,
    string PinDirectory,
    IReadOnlyList<LearnerBpfMap> Maps);

/// <summary>
/// One map of a learner's program. <see cref="ValueSum"/> adds every value read as a little-endian unsigned number (all
/// CPUs of a per-CPU map) when values are 1, 2, 4 or 8 bytes: a counter's total; null for other value sizes.
/// </summary>
public sealed record LearnerBpfMap(string Name, uint Id, string Type, uint KeySize, uint ValueSize, uint MaxEntries, string PinnedPath, ulong? ValueSum);
