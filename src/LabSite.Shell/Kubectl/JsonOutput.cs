namespace LabSite.Shell.Kubectl;

using LabSite.Clusters.Contract;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

/// <summary><c>-o json</c>: four-space indent as kubectl prints; several objects come wrapped in a <c>List</c>.</summary>
public static class JsonOutput
{
    static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        IndentSize = 4,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Write(JsonNode node) => node.ToJsonString(Options) + "\n";

    /// <summary>The <c>List</c> wrapper kubectl builds around several objects.</summary>
    public static JsonObject List(IEnumerable<KubeObject> objects) => new()
    {
        ["apiVersion"] = "v1",
        ["items"] = new JsonArray(objects.Select(o => (JsonNode)o.Json.DeepClone()).ToArray()),
        ["kind"] = "List",
        ["metadata"] = new JsonObject { ["resourceVersion"] = "" },
    };
}
