using System.Text.Json.Nodes;

namespace LabSite.Agent.Server.KubeApi.OpenApi;

/// <summary>
/// Fields of an object its kind's schema does not name, as <c>fieldValidation=Strict</c> reports them
/// (<c>spec.foo</c>, <c>spec.ingress[0].fromEndpont</c>); maps and free-form parts accept any key.
/// </summary>
internal static class UnknownFields
{
    public static List<string> Find(JsonObject schema, JsonNode? value)
    {
        var found = new List<string>();
        Walk(schema, value, "", found);
        return found;
    }

    private static void Walk(JsonObject schema, JsonNode? value, string at, List<string> found)
    {
        switch (value)
        {
            case JsonObject obj when schema["properties"] is JsonObject properties && schema["x-kubernetes-preserve-unknown-fields"] is null:
                foreach (var (key, child) in obj)
                {
                    var path = at.Length == 0 ? key : $"{at}.{key}";
                    if (properties[key] is JsonObject field)
                    {
                        Walk(field, child, path, found);
                    }
                    else
                    {
                        found.Add(path);
                    }
                }
                break;
            case JsonObject obj when schema["additionalProperties"] is JsonObject values:
                foreach (var (key, child) in obj)
                {
                    Walk(values, child, $"{at}.{key}", found);
                }
                break;
            case JsonArray array when schema["items"] is JsonObject items:
                for (var i = 0; i < array.Count; i++)
                {
                    Walk(items, array[i], $"{at}[{i}]", found);
                }
                break;
        }
    }
}
