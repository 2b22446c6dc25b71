using LabSite.Scenarios.Model;
using LabSite.Scenarios.Model.Checks;
using LabSite.Scenarios.Yaml;

namespace LabSite.Scenarios.Checks;

/// <summary>Reads <c>kind: runtime</c> checks (see docs/authoring.md, "runtime").</summary>
public static class RuntimeCheckReader
{
    public static readonly IReadOnlyList<string> Keys =
        ["pod", "event", "binary", "arguments", "parent", "path", "policy", "action", "signal", "status", "expect", "minCount", "window", "run"];

    public static readonly IReadOnlyDictionary<string, RuntimeEventType> Events = new Dictionary<string, RuntimeEventType>
    {
        ["exec"] = RuntimeEventType.Exec,
        ["exit"] = RuntimeEventType.Exit,
        ["lsm"] = RuntimeEventType.Lsm,
    };

    public static readonly IReadOnlyDictionary<string, RuntimeAction> Actions = new Dictionary<string, RuntimeAction>
    {
        ["Post"] = RuntimeAction.Post,
        ["Sigkill"] = RuntimeAction.Sigkill,
        ["Override"] = RuntimeAction.Override,
    };

    private static readonly IReadOnlyDictionary<string, FlowExpectation> s_expectations =
        new Dictionary<string, FlowExpectation> { ["exists"] = FlowExpectation.Exists, ["absent"] = FlowExpectation.Absent };

    private static readonly IReadOnlyDictionary<string, CheckWindow> s_windows =
        new Dictionary<string, CheckWindow> { ["step"] = CheckWindow.Step, ["lab"] = CheckWindow.Lab };

    public static CheckSpec? Read(CheckHeader header, YamlMapReader reader)
    {
        var pod = PodSelectorReader.Read(reader, "pod", required: true);
        var type = reader.Enum("event", Events, required: true);
        var binary = reader.String("binary");
        var arguments = reader.String("arguments");
        var parent = reader.String("parent");
        var path = reader.String("path");
        var policy = reader.String("policy");
        var action = reader.Enum("action", Actions);
        var signal = reader.String("signal");
        var status = reader.Int("status", 0, 255, "an exit status from 0 to 255");
        var expect = reader.Enum("expect", s_expectations) ?? FlowExpectation.Exists;
        var minCount = reader.Int("minCount", 1, 1000, "a number of events");
        var window = reader.Enum("window", s_windows) ?? CheckWindow.Step;
        IReadOnlyList<string>? run = reader.Has("run") ? reader.StringList("run", required: true).Select(x => x.Value).ToList() : null;

        // Each field belongs to one event type; one used with another type could never match.
        foreach (var (key, only) in new[] { ("parent", RuntimeEventType.Exec), ("path", RuntimeEventType.Lsm), ("policy", RuntimeEventType.Lsm), ("action", RuntimeEventType.Lsm), ("signal", RuntimeEventType.Exit), ("status", RuntimeEventType.Exit) })
        {
            if (type is { } t && t != only && reader.Has(key))
            {
                reader.Error(key, $"\"{key}\" of {header.Context} only goes with event: {Events.First(e => e.Value == only).Key}; this check looks at {Events.First(e => e.Value == t).Key} events");
            }
        }

        if (signal is not null && status is not null)
        {
            reader.Error("status", $"{header.Context} gives both signal and status; a process either exits with a status or is ended by a signal");
        }

        if (signal is not null && !(signal.StartsWith("SIG", StringComparison.Ordinal) && signal.Length > 3 && signal.All(char.IsAsciiLetterUpper)))
        {
            reader.Error("signal", $"\"signal\" of {header.Context} is a signal name as Tetragon prints it, like SIGKILL; got \"{signal}\"");
        }

        if (minCount is not null && expect == FlowExpectation.Absent)
        {
            reader.Error("minCount", $"{header.Context} expects absent events, so minCount has no meaning; remove it");
        }

        if (run is { Count: 0 })
        {
            reader.Error("run", $"\"run\" of {header.Context} is the command the grader runs in the pod, as a list: [cat, /etc/hostname]");
        }

        return pod is null || type is null
            ? null
            : new RuntimeCheck(header.Id, header.Title, header.Location,
                new RuntimeEventFilter(pod, type, binary, arguments, parent, path, policy, action, signal, status),
                expect, minCount ?? 1, window, run);
    }
}
