using System.Text.Json.Nodes;
using LabSite.Clusters.Netns.Mesh;
using LabSite.Clusters.Netns.Store.Validation;

namespace LabSite.Clusters.Netns.Tests.Mesh;

public class GlobalServiceTests
{
    private static JsonObject Service(string annotations) =>
        JsonNode.Parse("{\"metadata\": {\"name\": \"s\", \"annotations\": {" + annotations + "}}}")!.AsObject();

    [Fact]
    public void Annotations_read_as_cilium_reads_them()
    {
        Assert.Null(GlobalService.Parse(Service("")["metadata"]!["annotations"]));
        Assert.Null(GlobalService.Parse(Service("\"service.cilium.io/global\": \"false\"")["metadata"]!["annotations"]));
        Assert.Equal(new GlobalService(true, MeshAffinity.None), GlobalService.Parse(Service("\"service.cilium.io/global\": \"true\"")["metadata"]!["annotations"]));
        Assert.Equal(new GlobalService(false, MeshAffinity.Remote), GlobalService.Parse(Service(
            "\"service.cilium.io/global\": \"True\", \"service.cilium.io/shared\": \"false\", \"service.cilium.io/affinity\": \"remote\"")["metadata"]!["annotations"]));
    }

    [Fact]
    public void Affinity_prefers_one_side_while_it_has_backends()
    {
        int[] local = [1, 2];
        int[] remote = [3];
        Assert.Equal([1, 2, 3], new GlobalService(true, MeshAffinity.None).Merge(local, remote));
        Assert.Equal([1, 2], new GlobalService(true, MeshAffinity.Local).Merge(local, remote));
        Assert.Equal([3], new GlobalService(true, MeshAffinity.Local).Merge([], remote));
        Assert.Equal([3], new GlobalService(true, MeshAffinity.Remote).Merge(local, remote));
        Assert.Equal([1, 2], new GlobalService(true, MeshAffinity.Remote).Merge(local, []));
    }

    [Fact]
    public void Unknown_values_are_refused_with_the_annotations_path()
    {
        var errors = new List<FieldError>();
        GlobalService.Check(Service("\"service.cilium.io/global\": \"yes\", \"service.cilium.io/shared\": \"\", \"service.cilium.io/affinity\": \"nearest\""), errors);
        Assert.Equal(
            [
                new FieldError("metadata.annotations[service.cilium.io/global]", "Unsupported value: \"yes\": supported values: \"true\", \"false\""),
                new FieldError("metadata.annotations[service.cilium.io/shared]", "Unsupported value: \"\": supported values: \"true\", \"false\""),
                new FieldError("metadata.annotations[service.cilium.io/affinity]", "Unsupported value: \"nearest\": supported values: \"local\", \"remote\", \"none\""),
            ],
            errors);
        errors.Clear();
        GlobalService.Check(Service("\"service.cilium.io/global\": \"" + new string('x', 5000) + "\""), errors);
        Assert.True(errors.Single().Message.Length < 200);
    }
}
