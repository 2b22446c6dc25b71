using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;

namespace LabSite.Shell.Kubectl;

/// <summary><c>-o json</c>: four-space indent as kubectl prints; several objects come wrapped in a <c>List</c>.</summary>
public static class JsonOutput
{
    private static readonly JsonSerializerOptions s_options = new()
    {
        WriteIndented = true,
        IndentSize = 4,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Write(JsonNode node) => node.ToJsonString(s_options) + "\n";

    /// <summary>The <c>List</c> wrapper kubectl builds around several objects.</summary>
    public static JsonObject List(IEnumerable<KubeObject> objects) => new()
    {
        ["apiVersion"] = "v1",
        ["items"] = new JsonArray(objects.Select(o => (JsonNode)o.Json.DeepClone()).ToArray()),
        ["kind"] = "List",
        ["metadata"] = new JsonObject { ["resourceVersion"] = "" },
    };
}
