using LabSite.Scenarios.Model;
using LabSite.Scenarios.Model.Checks;
using LabSite.Scenarios.Yaml;
using YamlDotNet.RepresentationModel;

namespace LabSite.Scenarios.Checks;

/// <summary>Reads <c>kind: service</c> checks (see docs/authoring.md, "service").</summary>
public static class ServiceCheckReader
{
    public static readonly IReadOnlyList<string> Keys = ["service", "namespace", "port", "backends"];

    /// <summary>The <c>backends</c> value that means "the Ready pods the Service selects" (the default).</summary>
    public const string ReadyPods = "ready-pods";

    public static CheckSpec? Read(CheckHeader header, YamlMapReader reader)
    {
        var service = reader.String("service", required: true);
        var @namespace = reader.String("namespace") ?? PodSelector.DefaultNamespace;
        var port = reader.Int("port", 1, 65535, "a service port number");
        int? backends = null;
        if (reader.Node("backends") is { } node && node is not YamlScalarNode { Value: ReadyPods })
        {
            backends = reader.Int("backends", 0, 1000, $"a backend count (or {ReadyPods})");
            if (backends is null)
            {
                return null;
            }
        }

        return service is null ? null : new ServiceCheck(header.Id, header.Title, header.Location, service, @namespace, port, backends);
    }
}
