using LabSite.Scenarios.Model;
using LabSite.Scenarios.Model.Checks;
using LabSite.Scenarios.Yaml;
using YamlDotNet.RepresentationModel;

namespace LabSite.Scenarios.Checks;

/// <summary>Reads <c>kind: policy-map</c> checks (see docs/authoring.md, "policy-map").</summary>
public static class PolicyMapCheckReader
{
    public static readonly IReadOnlyList<string> Keys = ["endpoint", "peer", "direction", "port", "protocol", "expect", "proxy", "match"];

    public static readonly IReadOnlyDictionary<string, PolicyMapMatch> Matches = new Dictionary<string, PolicyMapMatch>
    {
        ["lookup"] = PolicyMapMatch.Lookup,
        ["exact"] = PolicyMapMatch.Exact,
    };

    public static readonly IReadOnlyList<string> PeerKeys = ["pod", "labels", "namespace", "reserved"];

    public static readonly IReadOnlyDictionary<string, PolicyProtocol> Protocols = new Dictionary<string, PolicyProtocol>
    {
        ["ANY"] = PolicyProtocol.Any,
        ["TCP"] = PolicyProtocol.Tcp,
        ["UDP"] = PolicyProtocol.Udp,
        ["SCTP"] = PolicyProtocol.Sctp,
        ["ICMP"] = PolicyProtocol.Icmp,
    };

    public static readonly IReadOnlyDictionary<string, PolicyMapExpectation> Expectations = new Dictionary<string, PolicyMapExpectation>
    {
        ["allow"] = PolicyMapExpectation.Allow,
        ["deny"] = PolicyMapExpectation.Deny,
        ["absent"] = PolicyMapExpectation.Absent,
    };

    private const string ReservedPrefix = "reserved:";

    public static CheckSpec? Read(CheckHeader header, YamlMapReader reader)
    {
        var endpoint = PodSelectorReader.Read(reader, "endpoint", required: true);
        var peer = ReadPeer(header, reader);
        var direction = reader.Enum("direction", FlowCheckReader.Directions, required: true);
        var port = reader.Int("port", 1, 65535, "a port number");
        var protocol = reader.Enum("protocol", Protocols) ?? (port is null ? PolicyProtocol.Any : PolicyProtocol.Tcp);
        if (port is not null && protocol is PolicyProtocol.Any or PolicyProtocol.Icmp)
        {
            reader.Error("protocol", $"{header.Context} gives port {port}, which needs protocol TCP, UDP or SCTP, not {reader.String("protocol")}");
        }

        var expect = reader.Enum("expect", Expectations, required: true);
        var proxy = reader.Bool("proxy");
        if (proxy is not null && expect is not null and not PolicyMapExpectation.Allow)
        {
            reader.Error("proxy", $"{header.Context} sets proxy, which only applies to expect: allow (a proxy port redirects allowed traffic)");
        }

        var match = reader.Enum("match", Matches) ?? PolicyMapMatch.Lookup;
        if (endpoint is null || peer is null || direction is null || expect is null)
        {
            return null;
        }

        return new PolicyMapCheck(header.Id, header.Title, header.Location, endpoint, peer, direction.Value, port, protocol, expect.Value, proxy)
        {
            Match = match,
        };
    }

    private static PolicyPeer? ReadPeer(CheckHeader header, YamlMapReader reader)
    {
        var node = reader.Node("peer");
        if (node is YamlScalarNode { Value: { } text } && text.StartsWith(ReservedPrefix, StringComparison.Ordinal))
        {
            return Reserved(reader, "peer", text[ReservedPrefix.Length..]);
        }

        if (node is not YamlMappingNode)
        {
            var pods = PodSelectorReader.Read(reader, "peer", required: true);
            return pods is null ? null : new PolicyPeer(pods, null);
        }

        var map = reader.Mapping("peer", PeerKeys);
        if (map is null)
        {
            return null;
        }

        var reserved = map.String("reserved");
        if (reserved is null)
        {
            var pods = PodSelectorReader.FromMapping(map, $"\"peer\" of {header.Context}");
            return pods is null ? null : new PolicyPeer(pods, null);
        }

        if (map.Has("pod") || map.Has("labels") || map.Has("namespace"))
        {
            map.Error("reserved", $"\"peer\" of {header.Context} names a reserved identity, which has no pod, labels or namespace; keep only reserved");
            return null;
        }

        return Reserved(map, "reserved", reserved);
    }

    private static PolicyPeer? Reserved(YamlMapReader reader, string key, string name)
    {
        if (ReservedIdentityNames.All.Contains(name))
        {
            return new PolicyPeer(null, name);
        }

        reader.Error(key, $"\"{name}\" in {reader.Context} is not a reserved identity; use one of {string.Join(", ", ReservedIdentityNames.All)}");
        return null;
    }
}
