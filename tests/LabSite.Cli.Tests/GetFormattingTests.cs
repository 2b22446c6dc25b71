using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;

namespace LabSite.Cli.Tests;

/// <summary>What `cluster get` and `cluster list` print, without an agent.</summary>
public class GetFormattingTests
{
    private static KubeObject Pod(string name) => new(JsonNode.Parse($$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}"}}""")!.AsObject());

    [Fact]
    public void Json_of_one_named_object_is_the_object_and_of_several_a_List()
    {
        var one = JsonNode.Parse(ClusterCommands.FormatGet("po", [Pod("xwing")], "json", null, "xwing", DateTimeOffset.UnixEpoch, out _))!;
        Assert.Equal("Pod", (string?)one["kind"]);
        var list = JsonNode.Parse(ClusterCommands.FormatGet("po", [Pod("a"), Pod("b")], "json", null, null, DateTimeOffset.UnixEpoch, out _))!;
        Assert.Equal(("List", 2), ((string?)list["kind"], list["items"]!.AsArray().Count));
    }

    [Theory]
    [InlineData("pods", null, null, "No resources found in default namespace.")]
    [InlineData("pods", "rebels", null, "No resources found in rebels namespace.")]
    [InlineData("pods", "*", null, "No resources found")]
    [InlineData("ccnp", null, null, "No resources found")]
    [InlineData("po", null, "ghost", "Error from server (NotFound): pods \"ghost\" not found")]
    [InlineData("deploy", null, "ghost", "Error from server (NotFound): deployments.apps \"ghost\" not found")]
    public void Empty_results_print_kubectls_notice(string kind, string? ns, string? name, string notice)
    {
        var text = ClusterCommands.FormatGet(kind, [], null, ns, name, DateTimeOffset.UnixEpoch, out var printed);
        Assert.Equal(("", notice), (text, printed));
    }

    [Fact]
    public void Cluster_list_is_a_table()
    {
        var text = ClusterCommands.FormatList([new ClusterSummary("sw", "netns", null, DateTimeOffset.UnixEpoch, 4)], DateTimeOffset.UnixEpoch.AddSeconds(30));
        Assert.Equal("NAME   BACKEND   LAB      PODS   AGE\nsw     netns     <none>   4      30s\n", text);
    }
}
