using System.Text.Json.Nodes;
using LabSite.Grader.Evaluation.Object;

namespace LabSite.Grader.Tests.Evaluation;

public sealed class JsonFieldPathTests
{
    private static readonly JsonNode s_deployment = JsonNode.Parse("""
        {"metadata":{"name":"deathstar","labels":{"org":"empire","app.kubernetes.io/name":"deathstar"}},
         "spec":{"replicas":2,"paused":false,"template":{"spec":{"containers":[{"name":"deathstar","ports":[{"containerPort":80}]}]}}}}
        """)!;

    [Theory]
    [InlineData(".spec.replicas", "2")]
    [InlineData("spec.replicas", "2")]
    [InlineData(".spec.paused", "false")]
    [InlineData(".metadata.labels.org", "empire")]
    [InlineData(".metadata.labels['app.kubernetes.io/name']", "deathstar")]
    [InlineData(".spec.template.spec.containers[0].ports[0].containerPort", "80")]
    [InlineData(".spec.template.spec.containers[1].name", null)]
    [InlineData(".metadata.annotations.x", null)]
    public void Reads_fields_as_kubectl_jsonpath_prints_them(string path, string? expected)
    {
        Assert.Equal(expected, JsonFieldPath.Read(s_deployment, path));
    }

    [Theory]
    [InlineData(".spec..replicas", "empty name at column 6")]
    [InlineData(".spec.ports[0", "'[' at column 12 is never closed")]
    [InlineData(".spec.ports[x]", "[x] at column 12 is neither an index nor a quoted key")]
    public void Bad_paths_say_what_and_where(string path, string message)
    {
        var e = Assert.Throws<FormatException>(() => JsonFieldPath.Read(s_deployment, path));
        Assert.Contains(message, e.Message);
    }
}
