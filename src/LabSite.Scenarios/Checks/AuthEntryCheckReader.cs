using LabSite.Scenarios.Model;
using LabSite.Scenarios.Model.Checks;
using LabSite.Scenarios.Yaml;

namespace LabSite.Scenarios.Checks;

/// <summary>Reads <c>kind: auth-entry</c> checks (see docs/authoring.md, "auth-entry").</summary>
public static class AuthEntryCheckReader
{
    public static readonly IReadOnlyList<string> Keys = ["local", "remote", "present"];

    public static CheckSpec? Read(CheckHeader header, YamlMapReader reader)
    {
        var local = PodSelectorReader.Read(reader, "local", required: true);
        var remote = PodSelectorReader.Read(reader, "remote", required: true);
        var present = reader.Has("present") ? reader.Bool("present") : true;
        return local is null || remote is null || present is null
            ? null
            : new AuthEntryCheck(header.Id, header.Title, header.Location, local, remote, present.Value);
    }
}
