using System.Text.Json.Nodes;
using LabSite.Clusters.Netns.Identity;

namespace LabSite.Clusters.Netns.Policy.Api;

/// <summary>
/// Translates a Kubernetes NetworkPolicy into a Cilium rule the way Cilium's pkg/k8s/network_policy.go does
/// (FORMATS §5): podSelector → namespaced subject; from/to podSelector → endpoints of the policy namespace;
/// namespaceSelector → <c>io.cilium.k8s.namespace.labels.*</c> (empty = any namespace); ipBlock → CIDR set;
/// peers carry the cluster label; a listed policy type without rules becomes <c>[{}]</c> (default deny).
/// </summary>
internal static class NetworkPolicyTranslator
{
    public static PolicyRule? Translate(JsonFields f, JsonNode? specNode, PolicySource source, string cluster)
    {
        if (specNode is not JsonObject spec)
        {
            f.Error("spec", "required");
            return null;
        }
        f.RejectUnknown(spec, "spec", "podSelector", "policyTypes", "ingress", "egress");
        var ns = source.Namespace!;
        var subject = SelectorParser.Parse(f, spec["podSelector"] ?? new JsonObject(), "spec.podSelector") ?? EndpointSelector.Wildcard;
        var types = new List<string>();
        if (f.Array(spec, "spec", "policyTypes") is { } pt)
        {
            for (var i = 0; i < pt.Count; i++)
            {
                var t = pt[i]?.ToString();
                if (t is "Ingress" or "Egress")
                {
                    types.Add(t);
                }
                else
                {
                    f.Error(JsonFields.Index("spec.policyTypes", i), $"\"{t}\" is not Ingress or Egress");
                }
            }
        }
        var ingressRules = f.Array(spec, "spec", "ingress");
        var egressRules = f.Array(spec, "spec", "egress");
        // Kubernetes: without policyTypes, Ingress always applies and Egress applies when egress rules exist.
        if (types.Count == 0)
        {
            types.Add("Ingress");
            if (egressRules is not null)
            {
                types.Add("Egress");
            }
        }
        List<PeerRule>? ingress = types.Contains("Ingress") ? Rules(f, ingressRules, "spec.ingress", "from", ns, cluster) : null;
        List<PeerRule>? egress = types.Contains("Egress") ? Rules(f, egressRules, "spec.egress", "to", ns, cluster) : null;
        return new PolicyRule(source, NamespaceScope.Subject(subject, ns), ingress, null, egress, null);
    }

    private static List<PeerRule> Rules(JsonFields f, JsonArray? items, string path, string peerField, string ns, string cluster)
    {
        // No rules for a listed direction: Cilium emits one empty rule, which enforces default deny and allows nothing.
        if (items is null || items.Count == 0)
        {
            return [new PeerRule(null, null, null, null, null)];
        }
        var list = new List<PeerRule>();
        for (var i = 0; i < items.Count; i++)
        {
            var p = JsonFields.Index(path, i);
            if (items[i] is not JsonObject rule)
            {
                f.Error(p, "expected an object");
                continue;
            }
            f.RejectUnknown(rule, p, peerField, "ports");
            var ports = Ports(f, rule, p);
            var peers = f.Array(rule, p, peerField);
            if (peers is null || peers.Count == 0)
            {
                // An absent or empty from/to list means every peer, inside the cluster or not.
                list.Add(new PeerRule([EndpointSelector.Wildcard], null, null, ports, null));
                continue;
            }
            var endpoints = new List<EndpointSelector>();
            var cidrs = new List<CidrRule>();
            for (var j = 0; j < peers.Count; j++)
            {
                Peer(f, peers[j], JsonFields.Index(JsonFields.Join(p, peerField), j), ns, cluster, endpoints, cidrs);
            }
            list.Add(new PeerRule(endpoints.Count > 0 ? endpoints : null, cidrs.Count > 0 ? cidrs : null, null, ports, null));
        }
        return list;
    }

    private static void Peer(JsonFields f, JsonNode? node, string path, string ns, string cluster, List<EndpointSelector> endpoints, List<CidrRule> cidrs)
    {
        if (node is not JsonObject peer)
        {
            f.Error(path, "expected {podSelector, namespaceSelector, ipBlock}");
            return;
        }
        f.RejectUnknown(peer, path, "podSelector", "namespaceSelector", "ipBlock");
        if (peer["ipBlock"] is JsonObject block)
        {
            if (peer["podSelector"] is not null || peer["namespaceSelector"] is not null)
            {
                f.Error(JsonFields.Join(path, "ipBlock"), "ipBlock cannot be combined with podSelector or namespaceSelector in one peer");
            }
            var bp = JsonFields.Join(path, "ipBlock");
            f.RejectUnknown(block, bp, "cidr", "except");
            if (RuleParser.Cidr(f, JsonFields.Join(bp, "cidr"), f.String(block, bp, "cidr") ?? "") is not { } net)
            {
                return;
            }
            var except = new List<System.Net.IPNetwork>();
            var ex = f.Array(block, bp, "except");
            for (var k = 0; k < (ex?.Count ?? 0); k++)
            {
                var pe = JsonFields.Index(JsonFields.Join(bp, "except"), k);
                if (RuleParser.Cidr(f, pe, ex![k]?.ToString() ?? "") is not { } x)
                {
                    continue;
                }
                if (CidrRule.Contains(net, x))
                {
                    except.Add(x);
                }
                else
                {
                    f.Error(pe, $"{x} is not inside {net}");
                }
            }
            cidrs.Add(new CidrRule(net, except));
            return;
        }
        var pod = SelectorParser.Parse(f, peer["podSelector"], JsonFields.Join(path, "podSelector"));
        var nsSel = SelectorParser.Parse(f, peer["namespaceSelector"], JsonFields.Join(path, "namespaceSelector"), Label.NamespaceLabelsPrefix);
        var reqs = new List<SelectorRequirement>(pod?.Requirements ?? []);
        if (nsSel is null)
        {
            reqs.Add(new SelectorRequirement(Label.SourceK8s, Label.PodNamespaceKey, SelectorOperator.In, [ns]));
        }
        else if (nsSel.IsWildcard)
        {
            reqs.Add(new SelectorRequirement(Label.SourceK8s, Label.PodNamespaceKey, SelectorOperator.Exists, []));
        }
        else
        {
            reqs.AddRange(nsSel.Requirements);
        }
        reqs.Add(new SelectorRequirement(Label.SourceK8s, Label.ClusterKey, SelectorOperator.In, [cluster]));
        endpoints.Add(new EndpointSelector(reqs));
    }

    private static List<PortRule>? Ports(JsonFields f, JsonObject rule, string path)
    {
        if (f.Array(rule, path, "ports") is not { } ports || ports.Count == 0)
        {
            return null;
        }
        // KNP ports share Cilium's port syntax, with TCP as the default protocol.
        var converted = new JsonArray();
        foreach (var p in ports)
        {
            var copy = p?.DeepClone();
            if (copy is JsonObject o && o["protocol"] is null)
            {
                o["protocol"] = "TCP";
            }
            converted.Add(copy);
        }
        return PortParser.ToPorts(f, new JsonObject { ["toPorts"] = new JsonArray(new JsonObject { ["ports"] = converted }) }, path, deny: false) is { } list
            ? list
            : null;
    }
}
