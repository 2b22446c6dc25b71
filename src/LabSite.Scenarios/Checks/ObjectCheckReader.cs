using System.Text.RegularExpressions;
using LabSite.Scenarios.Model;
using LabSite.Scenarios.Model.Checks;
using LabSite.Scenarios.Yaml;

namespace LabSite.Scenarios.Checks;

/// <summary>Reads <c>kind: object</c> checks (see docs/authoring.md, "object").</summary>
public static partial class ObjectCheckReader
{
    public static readonly IReadOnlyList<string> Keys = ["resource", "name", "namespace", "expect", "field", "equals"];

    public static readonly IReadOnlyDictionary<string, ObjectExpectation> Expectations = new Dictionary<string, ObjectExpectation>
    {
        ["exists"] = ObjectExpectation.Exists,
        ["absent"] = ObjectExpectation.Absent,
        ["ready"] = ObjectExpectation.Ready,
    };

    public static CheckSpec? Read(CheckHeader header, YamlMapReader reader)
    {
        var resource = reader.String("resource", required: true);
        if (resource is not null && !ObjectKinds.Namespaced.ContainsKey(resource))
        {
            reader.Error("resource", reader.BadChoice("resource", resource, ObjectKinds.All));
            resource = null;
        }

        var name = reader.String("name", required: true);
        var @namespace = reader.String("namespace");
        if (resource is not null && @namespace is not null && !ObjectKinds.Namespaced[resource])
        {
            reader.Error("namespace", $"{resource} objects are cluster-wide, so {header.Context} cannot give a namespace");
        }

        var expect = reader.Enum("expect", Expectations);
        var field = reader.String("field");
        var equals = reader.String("equals");
        if (field is not null && !FieldPath().IsMatch(field))
        {
            reader.Error("field", $"\"field\" of {header.Context} must be a path like .status.phase, .spec.replicas or .metadata.labels['app.kubernetes.io/name']; got \"{field}\"");
        }

        if (field is not null && equals is null)
        {
            reader.Error("field", $"{header.Context} names a field but not its value; add equals: <value>");
        }
        else if (equals is not null && field is null)
        {
            reader.Error("equals", $"{header.Context} gives equals but no field to compare; add field: .path.to.value");
        }
        else if (field is not null && expect is not null)
        {
            reader.Error("expect", $"{header.Context} compares a field, which already requires the object to exist; remove expect");
        }

        if (resource is null || name is null)
        {
            return null;
        }

        var ns = ObjectKinds.Namespaced[resource] ? @namespace ?? PodSelector.DefaultNamespace : null;
        var expectation = field is not null ? ObjectExpectation.FieldEquals : expect ?? ObjectExpectation.Exists;
        return new ObjectCheck(header.Id, header.Title, header.Location, resource, name, ns, expectation, field, equals);
    }

    [GeneratedRegex(@"^(\.[A-Za-z0-9_-]+|\[\d+\]|\['[^']+'\])+$")]
    private static partial Regex FieldPath();
}
