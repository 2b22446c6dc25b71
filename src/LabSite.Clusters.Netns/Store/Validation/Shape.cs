using System.Text.Json;
using System.Text.Json.Nodes;

namespace LabSite.Clusters.Netns.Store.Validation;

/// <summary>
/// The JSON shape a field must have, as the API server decodes it strictly: unknown fields and wrong types
/// are rejected (<c>strict decoding error: unknown field "spec.containers[0].imagee"</c>).
/// </summary>
internal abstract record Shape
{
    public static readonly Shape String = new ScalarShape("string", JsonValueKind.String);
    public static readonly Shape Int = new ScalarShape("integer", JsonValueKind.Number);
    public static readonly Shape Bool = new ScalarShape("boolean", JsonValueKind.True);
    public static readonly Shape IntOrString = new IntOrStringShape();
    public static readonly Shape StringMap = new StringMapShape();
    public static readonly Shape Any = new AnyShape();

    public static Shape Object(params (string Name, Shape Shape)[] fields) => new ObjectShape(fields.ToDictionary(f => f.Name, f => f.Shape));

    public static Shape ListOf(Shape item) => new ListShape(item);

    /// <summary>Adds a decode error for every mismatch under <paramref name="node"/>.</summary>
    public abstract void Check(JsonNode? node, string path, List<FieldError> errors);

    protected static string KindOf(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "bool",
            _ => "value",
        },
        _ => "value",
    };

    protected static void Mismatch(JsonNode? node, string path, string expected, List<FieldError> errors) =>
        errors.Add(new FieldError(path, $"json: cannot unmarshal {KindOf(node)} into field {path} of type {expected}"));
}

internal sealed record AnyShape : Shape
{
    public override void Check(JsonNode? node, string path, List<FieldError> errors)
    {
    }
}

internal sealed record ScalarShape(string Name, JsonValueKind Kind) : Shape
{
    public override void Check(JsonNode? node, string path, List<FieldError> errors)
    {
        if (node is null)
        {
            return; // null means "unset" to the API server
        }
        var ok = node is JsonValue value && Kind switch
        {
            JsonValueKind.True => value.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
            JsonValueKind.Number => value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out _),
            _ => value.GetValueKind() == Kind,
        };
        if (!ok)
        {
            Mismatch(node, path, Name, errors);
        }
    }
}

internal sealed record IntOrStringShape : Shape
{
    public override void Check(JsonNode? node, string path, List<FieldError> errors)
    {
        if (node is not (null or JsonValue))
        {
            Mismatch(node, path, "int or string", errors);
        }
    }
}

internal sealed record StringMapShape : Shape
{
    public override void Check(JsonNode? node, string path, List<FieldError> errors)
    {
        if (node is null)
        {
            return;
        }
        if (node is not JsonObject map)
        {
            Mismatch(node, path, "map[string]string", errors);
            return;
        }
        foreach (var (key, value) in map)
        {
            // `org: 1` or `enabled: true` unquoted: the API server refuses, labels and data are text.
            if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
            {
                Mismatch(value, $"{path}.{key}", "string", errors);
            }
        }
    }
}

internal sealed record ListShape(Shape Item) : Shape
{
    public override void Check(JsonNode? node, string path, List<FieldError> errors)
    {
        if (node is null)
        {
            return;
        }
        if (node is not JsonArray array)
        {
            Mismatch(node, path, "list", errors);
            return;
        }
        for (var i = 0; i < array.Count; i++)
        {
            Item.Check(array[i], $"{path}[{i}]", errors);
        }
    }
}

internal sealed record ObjectShape(IReadOnlyDictionary<string, Shape> Fields) : Shape
{
    public override void Check(JsonNode? node, string path, List<FieldError> errors)
    {
        if (node is null)
        {
            return;
        }
        if (node is not JsonObject obj)
        {
            Mismatch(node, path, "object", errors);
            return;
        }
        foreach (var (key, value) in obj)
        {
            var childPath = path.Length == 0 ? key : $"{path}.{key}";
            if (Fields.TryGetValue(key, out var shape))
            {
                shape.Check(value, childPath, errors);
            }
            else
            {
                errors.Add(new FieldError(childPath, $"strict decoding error: unknown field \"{childPath}\""));
            }
        }
    }
}
