using System.Text.Json.Nodes;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Agent.Server.KubeApi;

/// <summary>
/// <c>/version</c> and discovery: aggregated (apidiscovery.k8s.io/v2, what kubectl 1.30+ asks for first) and the
/// older APIVersions / APIGroupList / APIResourceList documents, all from <see cref="KubeApiKinds"/>.
/// </summary>
internal static class KubeDiscovery
{
    public const string AggregatedMediaType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

    /// <summary>A minor inside kubectl's supported skew (±1) for 1.33 to 1.35 clients.</summary>
    public static JsonObject Version() => new()
    {
        ["major"] = "1",
        ["minor"] = "34",
        ["gitVersion"] = "v1.34.0-labsite",
        ["gitCommit"] = "",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2026-01-01T00:00:00Z",
        ["goVersion"] = "",
        ["compiler"] = "labsite",
        ["platform"] = "linux/amd64",
    };

    public static bool WantsAggregated(string? accept) => accept is not null && accept.Contains("as=APIGroupDiscoveryList", StringComparison.Ordinal)
        && accept.Contains("v=v2;", StringComparison.Ordinal);

    /// <summary><c>/api</c> (core) or <c>/apis</c> (named groups) as one APIGroupDiscoveryList.</summary>
    public static JsonObject Aggregated(bool core)
    {
        var items = new JsonArray();
        if (core)
        {
            items.Add(GroupDiscovery("", ["v1"]));
        }
        else
        {
            foreach (var (group, versions) in KubeApiKinds.Groups)
            {
                items.Add(GroupDiscovery(group, versions));
            }
        }
        return new JsonObject { ["kind"] = "APIGroupDiscoveryList", ["apiVersion"] = "apidiscovery.k8s.io/v2", ["metadata"] = new JsonObject(), ["items"] = items };
    }

    /// <summary>One group with its versions, the preferred one first (as the API server lists them).</summary>
    private static JsonObject GroupDiscovery(string group, IReadOnlyList<string> versions)
    {
        var metadata = group.Length == 0 ? new JsonObject() : new JsonObject { ["name"] = group };
        return new JsonObject
        {
            ["metadata"] = metadata,
            ["versions"] = new JsonArray(versions.Select(v => (JsonNode)new JsonObject { ["version"] = v, ["resources"] = Resources(group, v), ["freshness"] = "Current" }).ToArray()),
        };
    }

    private static JsonArray Resources(string group, string version)
    {
        var resources = new JsonArray();
        foreach (var kind in KubeApiKinds.In(group, version))
        {
            var resource = new JsonObject
            {
                ["resource"] = kind.Plural,
                ["responseKind"] = new JsonObject { ["group"] = group, ["version"] = version, ["kind"] = kind.Kind },
                ["scope"] = kind.Namespaced ? "Namespaced" : "Cluster",
                ["singularResource"] = kind.Singular,
                ["verbs"] = Strings(KubeApiKinds.Verbs(kind)),
            };
            if (kind.ShortNames.Count > 0)
            {
                resource["shortNames"] = Strings(kind.ShortNames);
            }
            if (KubeApiKinds.Categories(kind) is { Count: > 0 } categories)
            {
                resource["categories"] = Strings(categories);
            }
            if (kind == ResourceKinds.Deployment)
            {
                resource["subresources"] = new JsonArray(new JsonObject
                {
                    ["subresource"] = "scale",
                    ["responseKind"] = new JsonObject { ["group"] = "autoscaling", ["version"] = "v1", ["kind"] = "Scale" },
                    ["verbs"] = Strings(["get", "patch", "update"]),
                });
            }
            resources.Add(resource);
        }
        return resources;
    }

    public static JsonObject ApiVersions() => new() { ["kind"] = "APIVersions", ["versions"] = Strings(["v1"]), ["serverAddressByClientCIDRs"] = new JsonArray() };

    public static JsonObject GroupList() => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(KubeApiKinds.Groups.Select(g => (JsonNode)new JsonObject
        {
            ["name"] = g.Group,
            ["versions"] = new JsonArray(g.Versions.Select(v => (JsonNode)new JsonObject { ["groupVersion"] = $"{g.Group}/{v}", ["version"] = v }).ToArray()),
            ["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{g.Group}/{g.Versions[0]}", ["version"] = g.Versions[0] },
        }).ToArray()),
    };

    /// <summary><c>/api/v1</c> or <c>/apis/apps/v1</c>; null for a group/version the lab does not serve.</summary>
    public static JsonObject? ResourceList(string group, string version)
    {
        var kinds = KubeApiKinds.In(group, version).ToList();
        if (kinds.Count == 0)
        {
            return null;
        }
        var resources = new JsonArray();
        foreach (var kind in kinds)
        {
            resources.Add(new JsonObject
            {
                ["name"] = kind.Plural,
                ["singularName"] = kind.Singular,
                ["namespaced"] = kind.Namespaced,
                ["kind"] = kind.Kind,
                ["verbs"] = Strings(KubeApiKinds.Verbs(kind)),
                ["shortNames"] = Strings(kind.ShortNames),
                ["categories"] = Strings(KubeApiKinds.Categories(kind)),
            });
            if (kind == ResourceKinds.Deployment)
            {
                resources.Add(new JsonObject
                {
                    ["name"] = $"{kind.Plural}/scale",
                    ["singularName"] = "",
                    ["namespaced"] = true,
                    ["group"] = "autoscaling",
                    ["version"] = "v1",
                    ["kind"] = "Scale",
                    ["verbs"] = Strings(["get", "patch", "update"]),
                });
            }
        }
        return new JsonObject { ["kind"] = "APIResourceList", ["apiVersion"] = "v1", ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}", ["resources"] = resources };
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)v).ToArray());
}
