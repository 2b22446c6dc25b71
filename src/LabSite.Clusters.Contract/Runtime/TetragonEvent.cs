using System.Text.Json;
using System.Text.Json.Serialization;

namespace LabSite.Clusters.Contract.Runtime;

/// <summary>
/// One Tetragon <c>GetEventsResponse</c> as <c>tetra getevents -o json</c> prints it: exactly one of
/// <c>process_exec</c>, <c>process_exit</c>, <c>process_lsm</c>, plus <c>node_name</c> and <c>time</c>.
/// A kind backend can pass real Tetragon JSON through <see cref="Parse"/>; the netns backend builds these.
/// </summary>
public sealed record TetragonEvent
{
    [JsonPropertyName("process_exec")] public ProcessExec? ProcessExec { get; init; }

    [JsonPropertyName("process_exit")] public ProcessExit? ProcessExit { get; init; }

    [JsonPropertyName("process_lsm")] public ProcessLsm? ProcessLsm { get; init; }

    [JsonPropertyName("node_name")] public string NodeName { get; init; } = "";

    [JsonPropertyName("time")] public DateTimeOffset Time { get; init; }

    /// <summary>The event's process, whichever kind it is.</summary>
    [JsonIgnore]
    public TetragonProcess? Process => ProcessExec?.Process ?? ProcessExit?.Process ?? ProcessLsm?.Process;

    /// <summary>The type name as <c>--event-types</c> spells it: PROCESS_EXEC, PROCESS_EXIT, PROCESS_LSM.</summary>
    [JsonIgnore]
    public string EventType => ProcessExec is not null ? "PROCESS_EXEC" : ProcessExit is not null ? "PROCESS_EXIT" : "PROCESS_LSM";

    public string ToJson() => JsonSerializer.Serialize(this, TetragonJson.Options);

    public static TetragonEvent Parse(string json) =>
        JsonSerializer.Deserialize<TetragonEvent>(json, TetragonJson.Options)
        ?? throw new JsonException("a Tetragon event is a JSON object");
}

public sealed record ProcessExec(
    [property: JsonPropertyName("process")] TetragonProcess Process,
    [property: JsonPropertyName("parent")] TetragonProcess? Parent);

public sealed record ProcessExit(
    [property: JsonPropertyName("process")] TetragonProcess Process,
    [property: JsonPropertyName("parent")] TetragonProcess? Parent,
    [property: JsonPropertyName("signal")] string? Signal,
    [property: JsonPropertyName("status")] int? Status,
    [property: JsonPropertyName("time")] DateTimeOffset Time);

/// <summary>A policy event from an LSM hook: which hook, which policy, its arguments and the action taken.</summary>
public sealed record ProcessLsm(
    [property: JsonPropertyName("process")] TetragonProcess Process,
    [property: JsonPropertyName("parent")] TetragonProcess? Parent,
    [property: JsonPropertyName("function_name")] string FunctionName,
    [property: JsonPropertyName("policy_name")] string PolicyName,
    [property: JsonPropertyName("args")] IReadOnlyList<TetragonArg> Args,
    [property: JsonPropertyName("action")] string Action);

public sealed record TetragonArg(
    [property: JsonPropertyName("file_arg")] FileArg? FileArg,
    [property: JsonPropertyName("linux_binprm_arg")] FileArg? LinuxBinprmArg);

public sealed record FileArg([property: JsonPropertyName("path")] string Path);

public sealed record TetragonProcess(
    [property: JsonPropertyName("exec_id")] string ExecId,
    [property: JsonPropertyName("pid")] uint Pid,
    [property: JsonPropertyName("uid")] uint Uid,
    [property: JsonPropertyName("binary")] string Binary,
    [property: JsonPropertyName("arguments")] string? Arguments,
    [property: JsonPropertyName("flags")] string Flags,
    [property: JsonPropertyName("start_time")] DateTimeOffset StartTime,
    [property: JsonPropertyName("pod")] TetragonPod? Pod,
    [property: JsonPropertyName("parent_exec_id")] string? ParentExecId);

public sealed record TetragonPod(
    [property: JsonPropertyName("namespace")] string Namespace,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("container")] TetragonContainer? Container,
    [property: JsonPropertyName("pod_labels")] IReadOnlyDictionary<string, string>? PodLabels,
    [property: JsonPropertyName("workload")] string? Workload);

public sealed record TetragonContainer(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name);

/// <summary>Tetragon's action names (KprobeAction) as they appear in events.</summary>
public static class TetragonActions
{
    public const string Post = "KPROBE_ACTION_POST";
    public const string Sigkill = "KPROBE_ACTION_SIGKILL";
    public const string Override = "KPROBE_ACTION_OVERRIDE";
}

internal static class TetragonJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new ProtoTimestampConverter() },
    };
}

/// <summary>
/// Times as protojson writes a <c>google.protobuf.Timestamp</c>: UTC with a <c>Z</c>, and 0, 3, 6 or 9 fraction digits
/// (<c>2026-12-06T01:00:00.123456700Z</c>). Reading accepts any RFC 3339 time.
/// </summary>
internal sealed class ProtoTimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTimeOffset.Parse(reader.GetString() ?? throw new JsonException("a time must be a string"), System.Globalization.CultureInfo.InvariantCulture);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        var utc = value.UtcDateTime;
        var nanos = utc.Ticks % TimeSpan.TicksPerSecond * 100;
        var fraction = nanos == 0 ? "" : nanos % 1_000_000 == 0 ? $".{nanos / 1_000_000:D3}" : nanos % 1_000 == 0 ? $".{nanos / 1_000:D6}" : $".{nanos:D9}";
        writer.WriteStringValue(utc.ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + fraction + "Z");
    }
}
