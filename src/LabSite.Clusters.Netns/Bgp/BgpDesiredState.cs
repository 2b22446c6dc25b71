using System.Net;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Netns.Store;
using LabSite.Clusters.Netns.Store.Selectors;

namespace LabSite.Clusters.Netns.Bgp;

/// <summary>
/// Cilium's BGP operator and agent in one pure function: from the lab's stored CiliumBGPClusterConfig,
/// CiliumBGPPeerConfig and CiliumBGPAdvertisement objects (and Services), what one node's speaker should be.
/// The first cluster config by name whose <c>nodeSelector</c> matches the node wins (Cilium reports the others as
/// conflicting); its first instance is the node's. A peer whose <c>peerConfigRef</c> names a missing
/// CiliumBGPPeerConfig is skipped, as in Cilium. Each peer's IPv4 unicast family selects advertisements by label:
/// <c>PodCIDR</c> gives the node's pod CIDR; <c>Service</c> gives a /32 per selected Service address (LoadBalancerIP
/// from <c>status.loadBalancer.ingress</c>, ClusterIP, ExternalIP); a Service advertisement without selector selects none.
/// </summary>
internal static class BgpDesiredState
{
    public static SpeakerConfig? Compute(ObjectStore store, string nodeName, IReadOnlyDictionary<string, string> nodeLabels, string podCidr, IPAddress routerId)
    {
        var config = List(store, ResourceKinds.CiliumBGPClusterConfig)
            .FirstOrDefault(c => Selector(c.Json["spec"]?["nodeSelector"]).Matches(nodeLabels));
        if (config?.Json["spec"]?["bgpInstances"]?[0] is not JsonObject instance || BgpValidation.Long(instance["localASN"]) is not { } localAsn)
        {
            return null;
        }
        _ = nodeName;
        var peerConfigs = List(store, ResourceKinds.CiliumBGPPeerConfig).ToDictionary(p => p.Name, StringComparer.Ordinal);
        var adverts = List(store, ResourceKinds.CiliumBGPAdvertisement);
        var services = store.Get(new ObjectQuery(ResourceKinds.Service.Plural, "*"));
        var peers = new List<BgpPeerSpec>();
        var prefixes = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var peer in (instance["peers"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (!IPAddress.TryParse((string?)peer["peerAddress"], out var address) || BgpValidation.Long(peer["peerASN"]) is not { } peerAsn)
            {
                continue;
            }
            JsonObject? peerSpec = null;
            if ((string?)peer["peerConfigRef"]?["name"] is { } refName)
            {
                if (!peerConfigs.TryGetValue(refName, out var pc))
                {
                    continue;
                }
                peerSpec = pc.Json["spec"] as JsonObject;
            }
            var timers = peerSpec?["timers"];
            peers.Add(new BgpPeerSpec(
                (string?)peer["name"] ?? address.ToString(), address, peerAsn,
                Int(peerSpec?["transport"]?["peerPort"], 179),
                Int(timers?["holdTimeSeconds"], 90), Int(timers?["keepAliveTimeSeconds"], 30), Int(timers?["connectRetryTimeSeconds"], 120),
                Int(peerSpec?["ebgpMultihop"], 1)));
            foreach (var family in (peerSpec?["families"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if ((string?)family["afi"] != "ipv4" || (string?)family["safi"] != "unicast" || family["advertisements"] is not JsonObject selector)
                {
                    continue;
                }
                var select = LabelSelector.FromJson(selector);
                foreach (var advert in adverts.Where(a => select.Matches(a.Labels)))
                {
                    foreach (var ad in (advert.Json["spec"]?["advertisements"] as JsonArray ?? []).OfType<JsonObject>())
                    {
                        AddPrefixes(ad, podCidr, services, prefixes);
                    }
                }
            }
        }
        return new SpeakerConfig((string?)instance["name"] ?? "", localAsn, routerId, peers, prefixes.ToList());
    }

    private static void AddPrefixes(JsonObject ad, string podCidr, IReadOnlyList<KubeObject> services, SortedSet<string> into)
    {
        switch ((string?)ad["advertisementType"])
        {
            case "PodCIDR":
                into.Add(podCidr);
                break;
            case "Service" when ad["selector"] is JsonObject selector:
                var select = LabelSelector.FromJson(selector);
                var kinds = (ad["service"]?["addresses"] as JsonArray ?? []).Select(a => (string?)a).ToHashSet();
                foreach (var svc in services.Where(s => select.Matches(s.Labels)))
                {
                    foreach (var ip in ServiceAddresses(svc.Json, kinds))
                    {
                        into.Add(ip + "/32");
                    }
                }
                break;
        }
    }

    private static IEnumerable<string> ServiceAddresses(JsonObject svc, HashSet<string?> kinds)
    {
        if (kinds.Contains("LoadBalancerIP") && (string?)svc["spec"]?["type"] == "LoadBalancer")
        {
            foreach (var ingress in (svc["status"]?["loadBalancer"]?["ingress"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if ((string?)ingress["ip"] is { } ip && IPAddress.TryParse(ip, out _))
                {
                    yield return ip;
                }
            }
        }
        if (kinds.Contains("ClusterIP") && (string?)svc["spec"]?["clusterIP"] is { } clusterIp && IPAddress.TryParse(clusterIp, out _))
        {
            yield return clusterIp;
        }
        if (kinds.Contains("ExternalIP"))
        {
            foreach (var ip in (svc["spec"]?["externalIPs"] as JsonArray ?? []).Select(n => (string?)n))
            {
                if (ip is not null && IPAddress.TryParse(ip, out _))
                {
                    yield return ip;
                }
            }
        }
    }

    private static List<KubeObject> List(ObjectStore store, ResourceKind kind) =>
        store.Get(new ObjectQuery(kind.Plural)).OrderBy(o => o.Name, StringComparer.Ordinal).ToList();

    private static LabelSelector Selector(JsonNode? selector) => selector is JsonObject s ? LabelSelector.FromJson(s) : LabelSelector.Everything;

    private static int Int(JsonNode? node, int fallback) => BgpValidation.Long(node) is { } v ? (int)v : fallback;
}
