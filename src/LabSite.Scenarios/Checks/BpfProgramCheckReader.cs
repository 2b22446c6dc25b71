using LabSite.Scenarios.Model;
using LabSite.Scenarios.Model.Checks;
using LabSite.Scenarios.Yaml;

namespace LabSite.Scenarios.Checks;

/// <summary>Reads <c>kind: bpf-program</c> checks (see docs/authoring.md, "bpf-program").</summary>
public static class BpfProgramCheckReader
{
    public static readonly IReadOnlyList<string> Keys = ["pod", "hook", "map", "atLeast"];

    private static readonly IReadOnlyList<string> s_hooks = ["ingress", "egress", "socket"];

    public static CheckSpec? Read(CheckHeader header, YamlMapReader reader)
    {
        var pod = PodSelectorReader.Read(reader, "pod", required: true);
        var hook = reader.String("hook");
        if (hook is not null && !s_hooks.Contains(hook))
        {
            reader.Error("hook", reader.BadChoice("hook", hook, s_hooks));
            return null;
        }
        var map = reader.String("map");
        var atLeast = reader.Int("atLeast", 0, int.MaxValue, "a number of at least 0");
        if (atLeast is not null && map is null)
        {
            reader.Error("atLeast", "atLeast needs map: the map whose values must add up to it");
            return null;
        }
        return pod is null ? null : new BpfProgramCheck(header.Id, header.Title, header.Location, pod, hook, map, atLeast);
    }
}
