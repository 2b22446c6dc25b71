using System.Net;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Netns.Identity;
using LabSite.Clusters.Netns.Policy.Api;
using LabSite.Clusters.Netns.Policy.Compile;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.Policy.Compile;

/// <summary>Runs Specs/PolicyCompile.md: policy YAML + pods → expected policy map entries per pod.</summary>
public class PolicySpecTests
{
    private static readonly string s_specPath = Path.Combine(AppContext.BaseDirectory, "Policy", "Compile", "Specs", "PolicyCompile.md");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in PolicySpecCase.Load(s_specPath))
        {
            data.Add(c.Name);
        }
        return data;
    }

    private const string StarWarsPods = """
        - {name: deathstar, labels: {org: empire, class: deathstar}, ports: [{name: http, port: 80}]}
        - {name: deathstar2, labels: {org: empire, class: deathstar}, ports: [{name: http, port: 80}]}
        - {name: tiefighter, labels: {org: empire, class: tiefighter}}
        - {name: xwing, labels: {org: alliance, class: xwing}}
        """;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compiles_as_specified(string name)
    {
        var spec = PolicySpecCase.Load(s_specPath).Single(c => c.Name == name);
        var engine = new PolicyEngine(new IdentityAllocator());
        var pods = LoadPods(spec.Pods.Length > 0 ? spec.Pods : StarWarsPods);
        ushort next = 100;
        var ids = new Dictionary<string, EndpointId>();
        foreach (var pod in pods)
        {
            ids[pod.PodName] = new EndpointId(next++);
            engine.Upsert(pod with { Id = ids[pod.PodName] });
        }
        foreach (var obj in spec.Policies.Length == 0 ? [] : YamlObjects.All(spec.Policies))
        {
            engine.Upsert(PolicyParser.Parse(obj));
        }
        Assert.NotEmpty(spec.Expected);
        foreach (var (pod, expected) in spec.Expected)
        {
            var policy = engine.PolicyOf(ids[pod])!;
            var actual = Render(policy, engine, pods, ids);
            Assert.True(
                Normalize(expected) == Normalize(actual),
                $"Specs/PolicyCompile.md:{spec.Line}: case \"{name}\", pod {pod}\nexpected:\n{expected}\nactual:\n{actual}");
        }
    }

    private static string Normalize(string text) =>
        string.Join("\n", text.Split('\n').Select(l => string.Join(" ", l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).Where(l => l.Length > 0).Order(StringComparer.Ordinal));

    /// <summary>One line per entry; identities print as the pod names holding them, reserved names, or cidr labels.</summary>
    public static string Render(EndpointPolicy policy, PolicyEngine engine, IReadOnlyList<EndpointInfo> pods, Dictionary<string, EndpointId> ids)
    {
        var names = new Dictionary<NumericIdentity, string>();
        foreach (var pod in pods.OrderBy(p => p.PodName, StringComparer.Ordinal))
        {
            var id = engine.IdentityOf(ids[pod.PodName])!.Value;
            names[id] = names.TryGetValue(id, out var n) ? n + "+" + pod.PodName : pod.PodName;
        }
        string Name(NumericIdentity id) => id.Value == 0 ? "ANY"
            : id.ReservedName is { } r ? "reserved:" + r
            : names.TryGetValue(id, out var n) ? n
            : engine.Identities.Lookup(id)?.Labels.FirstOrDefault(l => l.Source == "cidr").ToString() ?? id.ToString();
        var lines = new List<string>
        {
            $"ENFORCEMENT {(policy.IngressEnforced ? "Enabled" : "Disabled")} {(policy.EgressEnforced ? "Enabled" : "Disabled")}",
        };
        lines.AddRange(policy.Entries.Select(e =>
            $"{(e.Verdict.Deny ? "Deny" : "Allow")} {e.Key.Direction} {Name(e.Key.Identity)} {e.Key.PortProtoText()}"
            + (e.Verdict.ProxyPort != 0 ? $" proxy={e.Verdict.ProxyPort}" : "")
            + (e.Verdict.AuthType != 0 ? " auth=spire" : "")));
        return string.Join("\n", lines);
    }

    private static List<EndpointInfo> LoadPods(string yaml)
    {
        var doc = YamlObjects.One("pods:\n" + string.Join("\n", yaml.Split('\n').Select(l => "  " + l)));
        var list = new List<EndpointInfo>();
        foreach (var node in (JsonArray)doc.Json["pods"]!)
        {
            var p = (JsonObject)node!;
            var ns = (string?)p["namespace"] ?? "default";
            var labels = (p["labels"] as JsonObject ?? []).ToDictionary(kv => kv.Key, kv => kv.Value!.ToString());
            var nsLabels = (p["namespaceLabels"] as JsonObject ?? []).ToDictionary(kv => kv.Key, kv => kv.Value!.ToString());
            var ports = (p["ports"] as JsonArray ?? []).Select(x => new NamedPort(
                (string)x!["name"]!, (ushort)(long)x["port"]!, Enum.Parse<L4Protocol>((string?)x["protocol"] ?? "TCP"))).ToList();
            list.Add(new EndpointInfo(
                default, ns, (string)p["name"]!, IdentityLabels.ForPod(ns, labels, namespaceLabels: nsLabels), ports,
                p["ip"] is { } ip ? IPAddress.Parse(ip.ToString()) : null));
        }
        return list;
    }
}
