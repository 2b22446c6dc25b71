using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Netns.Store.Validation;

namespace LabSite.Clusters.Netns.Bgp;

/// <summary>
/// Value checks of Cilium's BGP v2 and LB-IPAM objects beyond their shape, with the API server's wording and field
/// paths. Lab-specific refusals keep a stranger's config inside the lab: peers must be on the router link
/// (<see cref="BgpLink.Subnet"/>), and pools may not claim the lab's own ranges or special-purpose addresses.
/// </summary>
internal static class BgpValidation
{
    private static readonly string[] s_advertisementTypes = ["PodCIDR", "Service", "CiliumPodIPPool", "Interface"];
    private static readonly string[] s_serviceAddresses = ["LoadBalancerIP", "ClusterIP", "ExternalIP"];

    // Ranges a pool may not overlap: this host's and the lab's own (pods and services in 10/8, the router link),
    // loopback, link-local, the outside world's 198.18/15, multicast and reserved space.
    private static readonly IPNetwork[] s_forbiddenPoolRanges =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("169.254.0.0/16"),
        BgpLink.Subnet, IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("224.0.0.0/3"),
    ];

    public static bool Handles(ResourceKind kind) =>
        kind == ResourceKinds.CiliumBGPClusterConfig || kind == ResourceKinds.CiliumBGPPeerConfig
        || kind == ResourceKinds.CiliumBGPAdvertisement || kind == ResourceKinds.CiliumLoadBalancerIPPool;

    public static void Check(ResourceKind kind, JsonObject obj, List<FieldError> errors)
    {
        var spec = obj["spec"] as JsonObject;
        if (kind == ResourceKinds.CiliumBGPClusterConfig)
        {
            CheckClusterConfig(spec, errors);
        }
        else if (kind == ResourceKinds.CiliumBGPPeerConfig)
        {
            CheckPeerConfig(spec, errors);
        }
        else if (kind == ResourceKinds.CiliumBGPAdvertisement)
        {
            CheckAdvertisement(spec, errors);
        }
        else
        {
            CheckPool(spec, errors);
        }
    }

    private static void CheckClusterConfig(JsonObject? spec, List<FieldError> errors)
    {
        if (spec?["nodeSelector"] is JsonObject selector)
        {
            ObjectValidator.CheckSelector(selector, "spec.nodeSelector", errors);
        }
        if (spec?["bgpInstances"] is not JsonArray { Count: > 0 } instances)
        {
            errors.Add(new FieldError("spec.bgpInstances", "Required value"));
            return;
        }
        if (instances.Count > 16)
        {
            errors.Add(new FieldError("spec.bgpInstances", $"Too many: {instances.Count}: must have at most 16 items"));
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < instances.Count; i++)
        {
            var path = $"spec.bgpInstances[{i}]";
            var instance = instances[i] as JsonObject ?? [];
            CheckName(instance, path, names, errors);
            var asn = Long(instance["localASN"]);
            if (asn is null)
            {
                errors.Add(new FieldError($"{path}.localASN", "Required value: the lab's speaker needs its own AS number"));
            }
            else
            {
                CheckAsn(asn.Value, $"{path}.localASN", 1, errors);
                if (asn == BgpLink.RouterAsn)
                {
                    errors.Add(new FieldError($"{path}.localASN", $"Invalid value: {asn}: {BgpLink.RouterAsn} is the lab router's AS; the lab peers over eBGP, so pick another (e.g. 65001)"));
                }
            }
            if (instance["localPort"] is { } port && Long(port) is not (>= 1 and <= 65535))
            {
                errors.Add(new FieldError($"{path}.localPort", $"Invalid value: {port.ToJsonString()}: must be between 1 and 65535, inclusive"));
            }
            var peerNames = new HashSet<string>(StringComparer.Ordinal);
            var peers = instance["peers"] as JsonArray ?? [];
            for (var j = 0; j < peers.Count; j++)
            {
                var peerPath = $"{path}.peers[{j}]";
                var peer = peers[j] as JsonObject ?? [];
                CheckName(peer, peerPath, peerNames, errors);
                if (peer["autoDiscovery"] is not null)
                {
                    errors.Add(new FieldError($"{peerPath}.autoDiscovery", "Forbidden: lab nodes have no default gateway to discover; set peerAddress to the lab router " + BgpLink.RouterIp));
                }
                CheckPeerAddress((string?)peer["peerAddress"], $"{peerPath}.peerAddress", errors);
                if (Long(peer["peerASN"]) is not { } peerAsn)
                {
                    // Cilium takes 0 (unset) as "any AS"; the lab's speaker must name the router's.
                    errors.Add(new FieldError($"{peerPath}.peerASN", $"Required value: the lab router's AS is {BgpLink.RouterAsn}"));
                }
                else
                {
                    CheckAsn(peerAsn, $"{peerPath}.peerASN", 1, errors);
                }
                if (peer["peerConfigRef"] is JsonObject reference && string.IsNullOrEmpty((string?)reference["name"]))
                {
                    errors.Add(new FieldError($"{peerPath}.peerConfigRef.name", "Required value"));
                }
            }
        }
    }

    private static void CheckPeerAddress(string? address, string path, List<FieldError> errors)
    {
        if (string.IsNullOrEmpty(address))
        {
            errors.Add(new FieldError(path, $"Required value: the lab's router is {BgpLink.RouterIp}"));
            return;
        }
        if (!IPAddress.TryParse(address, out var ip) || ip.AddressFamily != AddressFamily.InterNetwork || ip.ToString() != address)
        {
            errors.Add(new FieldError(path, $"Invalid value: \"{address}\": must be an IPv4 address such as {BgpLink.RouterIp}"));
            return;
        }
        if (!BgpLink.Subnet.Contains(ip))
        {
            errors.Add(new FieldError(path, $"Invalid value: \"{address}\": outside the lab's router link {BgpLink.Subnet}; a lab may only peer with its own router {BgpLink.RouterIp}"));
        }
    }

    private static void CheckPeerConfig(JsonObject? spec, List<FieldError> errors)
    {
        if (spec is null)
        {
            return;
        }
        Range(spec["transport"]?["peerPort"], "spec.transport.peerPort", 1, 65535, errors);
        if (spec["transport"]?["sourceInterface"] is { } source)
        {
            errors.Add(new FieldError("spec.transport.sourceInterface", $"Forbidden: {source.ToJsonString()}: lab nodes reach the router on {BgpLink.NodeInterface} only"));
        }
        Range(spec["timers"]?["connectRetryTimeSeconds"], "spec.timers.connectRetryTimeSeconds", 1, int.MaxValue, errors);
        Range(spec["timers"]?["holdTimeSeconds"], "spec.timers.holdTimeSeconds", 3, 65535, errors);
        Range(spec["timers"]?["keepAliveTimeSeconds"], "spec.timers.keepAliveTimeSeconds", 1, 65535, errors);
        if (Long(spec["timers"]?["keepAliveTimeSeconds"]) is { } keepAlive && Long(spec["timers"]?["holdTimeSeconds"]) is { } hold && keepAlive > hold)
        {
            errors.Add(new FieldError("spec.timers", "Invalid value: keepAliveTimeSeconds can not be larger than holdTimeSeconds"));
        }
        Range(spec["gracefulRestart"]?["restartTimeSeconds"], "spec.gracefulRestart.restartTimeSeconds", 1, 4095, errors);
        Range(spec["ebgpMultihop"], "spec.ebgpMultihop", 1, 255, errors);
        if (spec["authSecretRef"] is not null)
        {
            errors.Add(new FieldError("spec.authSecretRef", "Forbidden: lab clusters hold no Secrets; TCP MD5 authentication is not available"));
        }
        var families = spec["families"] as JsonArray ?? [];
        for (var i = 0; i < families.Count; i++)
        {
            var path = $"spec.families[{i}]";
            var family = families[i] as JsonObject ?? [];
            if ((string?)family["afi"] is not ("ipv4" or "ipv6"))
            {
                errors.Add(new FieldError($"{path}.afi", $"Unsupported value: {family["afi"]?.ToJsonString() ?? "null"}: supported values: \"ipv4\", \"ipv6\""));
            }
            if ((string?)family["safi"] != "unicast")
            {
                errors.Add(new FieldError($"{path}.safi", $"Unsupported value: {family["safi"]?.ToJsonString() ?? "null"}: supported values: \"unicast\""));
            }
            if (family["advertisements"] is JsonObject selector)
            {
                ObjectValidator.CheckSelector(selector, $"{path}.advertisements", errors);
            }
        }
    }

    private static void CheckAdvertisement(JsonObject? spec, List<FieldError> errors)
    {
        if (spec?["advertisements"] is not JsonArray { Count: > 0 } list)
        {
            errors.Add(new FieldError("spec.advertisements", "Required value"));
            return;
        }
        for (var i = 0; i < list.Count; i++)
        {
            var path = $"spec.advertisements[{i}]";
            var ad = list[i] as JsonObject ?? [];
            var type = (string?)ad["advertisementType"];
            if (type is null || !s_advertisementTypes.Contains(type))
            {
                errors.Add(new FieldError($"{path}.advertisementType", $"Unsupported value: {ad["advertisementType"]?.ToJsonString() ?? "null"}: supported values: {Quoted(s_advertisementTypes)}"));
                continue;
            }
            if (type is "CiliumPodIPPool" or "Interface")
            {
                errors.Add(new FieldError($"{path}.advertisementType", $"Unsupported value: \"{type}\": lab clusters advertise \"PodCIDR\" and \"Service\""));
            }
            if (type == "PodCIDR" && ad["selector"] is not null)
            {
                errors.Add(new FieldError($"{path}.selector", "Forbidden: selector is not allowed for PodCIDR advertisements"));
            }
            if (type == "Service")
            {
                if (ad["service"]?["addresses"] is not JsonArray { Count: > 0 } addresses)
                {
                    errors.Add(new FieldError($"{path}.service.addresses", "Required value: service is required for Service advertisements"));
                }
                else
                {
                    for (var j = 0; j < addresses.Count; j++)
                    {
                        if ((string?)addresses[j] is not { } a || !s_serviceAddresses.Contains(a))
                        {
                            errors.Add(new FieldError($"{path}.service.addresses[{j}]", $"Unsupported value: {addresses[j]?.ToJsonString() ?? "null"}: supported values: {Quoted(s_serviceAddresses)}"));
                        }
                    }
                }
                Range(ad["service"]?["aggregationLengthIPv4"], $"{path}.service.aggregationLengthIPv4", 0, 31, errors);
            }
            if (ad["selector"] is JsonObject selector)
            {
                ObjectValidator.CheckSelector(selector, $"{path}.selector", errors);
            }
        }
    }

    private static void CheckPool(JsonObject? spec, List<FieldError> errors)
    {
        if (spec?["blocks"] is not JsonArray { Count: > 0 } blocks)
        {
            errors.Add(new FieldError("spec.blocks", "Required value"));
            return;
        }
        for (var i = 0; i < blocks.Count; i++)
        {
            var path = $"spec.blocks[{i}]";
            var block = blocks[i] as JsonObject ?? [];
            if ((string?)block["cidr"] is { } cidr)
            {
                if (!IPNetwork.TryParse(cidr, out var net) || net.BaseAddress.AddressFamily != AddressFamily.InterNetwork)
                {
                    errors.Add(new FieldError($"{path}.cidr", $"Invalid value: \"{cidr}\": must be an IPv4 CIDR such as 172.31.0.0/24"));
                }
                else if (net.PrefixLength < 16)
                {
                    errors.Add(new FieldError($"{path}.cidr", $"Invalid value: \"{cidr}\": at most a /16 per block in a lab"));
                }
                else if (s_forbiddenPoolRanges.FirstOrDefault(f => Overlaps(f, net)) is { } clash && clash.PrefixLength != 0)
                {
                    errors.Add(new FieldError($"{path}.cidr", $"Invalid value: \"{cidr}\": overlaps {clash}, which the lab or the host uses; pick private space such as 172.31.0.0/24"));
                }
            }
            else if ((string?)block["start"] is { } start)
            {
                CheckRangeEnd(start, $"{path}.start", errors);
                CheckRangeEnd((string?)block["stop"] ?? start, $"{path}.stop", errors);
            }
            else
            {
                errors.Add(new FieldError(path, "Required value: cidr, or start (and stop)"));
            }
        }
        if (spec["serviceSelector"] is JsonObject selector)
        {
            ObjectValidator.CheckSelector(selector, "spec.serviceSelector", errors);
        }
    }

    private static void CheckRangeEnd(string text, string path, List<FieldError> errors)
    {
        if (!IPAddress.TryParse(text, out var ip) || ip.AddressFamily != AddressFamily.InterNetwork)
        {
            errors.Add(new FieldError(path, $"Invalid value: \"{text}\": must be an IPv4 address"));
        }
        else if (s_forbiddenPoolRanges.FirstOrDefault(f => f.Contains(ip)) is { PrefixLength: > 0 } clash)
        {
            errors.Add(new FieldError(path, $"Invalid value: \"{text}\": inside {clash}, which the lab or the host uses"));
        }
    }

    internal static bool Overlaps(IPNetwork a, IPNetwork b) => a.Contains(b.BaseAddress) || b.Contains(a.BaseAddress);

    private static void CheckName(JsonObject item, string path, HashSet<string> seen, List<FieldError> errors)
    {
        var name = (string?)item["name"];
        if (string.IsNullOrEmpty(name))
        {
            errors.Add(new FieldError($"{path}.name", "Required value"));
        }
        else if (name.Length > 255)
        {
            errors.Add(new FieldError($"{path}.name", "Too long: may not be longer than 255"));
        }
        else if (!seen.Add(name))
        {
            errors.Add(new FieldError($"{path}.name", $"Duplicate value: \"{name}\""));
        }
    }

    private static void CheckAsn(long asn, string path, long min, List<FieldError> errors)
    {
        if (asn < min || asn > uint.MaxValue)
        {
            errors.Add(new FieldError(path, $"Invalid value: {asn}: must be between {min} and {uint.MaxValue}, inclusive"));
        }
    }

    private static void Range(JsonNode? node, string path, long min, long max, List<FieldError> errors)
    {
        if (node is null)
        {
            return;
        }
        if (Long(node) is not { } value || value < min || value > max)
        {
            errors.Add(new FieldError(path, $"Invalid value: {node.ToJsonString()}: must be between {min} and {max}, inclusive"));
        }
    }

    internal static long? Long(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<long>(out var l) ? l : node is JsonValue d && d.TryGetValue<double>(out var x) && x == Math.Floor(x) && Math.Abs(x) < 1e15 ? (long)x : null;

    private static string Quoted(IEnumerable<string> values) => string.Join(", ", values.Select(v => $"\"{v}\""));
}
