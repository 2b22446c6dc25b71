using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LabSite.Clusters.Contract.Inspection;

/// <summary>
/// <c>cilium-dbg ... -o json</c> in Cilium's shapes, both ways: the lab shell writes them, the kind backend reads what
/// the real agent prints. Shapes are the Go models of <c>api/v1/models</c> marshalled with MarshalIndent (two spaces):
/// <c>endpoint list</c> is <c>[]Endpoint</c> (<c>id</c>, <c>status.identity</c>, <c>status.labels.security-relevant</c>,
/// <c>status.networking.addressing[]</c>, <c>status.policy.realized.policy-enabled</c>, <c>status.external-identifiers</c>,
/// <c>status.state</c>); <c>identity list</c> is <c>[]Identity</c> (<c>id</c>, <c>labels</c>); <c>bpf ipcache list</c> is a
/// map of prefix to its value texts; <c>service list</c> is <c>[]Service</c> (<c>spec.id</c>, <c>spec.frontend-address</c>,
/// <c>spec.backend-addresses[]</c>, <c>spec.flags.type</c>); <c>bpf policy get</c> is <c>[]PolicyEntryDump</c> with Go field
/// names. We write the fields our models carry; reading skips the rest and names the field that is wrong.
/// </summary>
public static class CiliumDbgJson
{
    private static readonly JsonSerializerOptions s_indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string WriteEndpoints(IEnumerable<EndpointModel> endpoints)
    {
        var array = new JsonArray();
        foreach (var e in endpoints.OrderBy(e => e.Id))
        {
            var status = new JsonObject();
            if (e.Namespace.Length > 0 || e.PodName.Length > 0)
            {
                status["external-identifiers"] = new JsonObject
                {
                    ["k8s-namespace"] = e.Namespace,
                    ["k8s-pod-name"] = e.PodName,
                    ["pod-name"] = $"{e.Namespace}/{e.PodName}",
                };
            }
            status["identity"] = new JsonObject { ["id"] = e.Identity, ["labels"] = Strings(e.Labels) };
            status["labels"] = new JsonObject { ["security-relevant"] = Strings(e.Labels) };
            var address = new JsonObject();
            if (e.IPv4.Length > 0)
            {
                address["ipv4"] = e.IPv4;
            }
            if (e.IPv6.Length > 0)
            {
                address["ipv6"] = e.IPv6;
            }
            status["networking"] = new JsonObject { ["addressing"] = new JsonArray(address) };
            status["policy"] = new JsonObject { ["realized"] = new JsonObject { ["policy-enabled"] = PolicyEnabled(e.IngressEnforcement, e.EgressEnforcement) } };
            status["state"] = e.Status;
            array.Add(new JsonObject { ["id"] = e.Id, ["status"] = status });
        }
        return array.ToJsonString(s_indented);
    }

    public static IReadOnlyList<EndpointModel> ReadEndpoints(string json)
    {
        var list = new List<EndpointModel>();
        var items = Array(Parse(json, "endpoint list"), "endpoint list");
        for (var i = 0; i < items.Count; i++)
        {
            var at = $"endpoint list [{i}]";
            var o = Object(items[i], at);
            var status = o["status"] as JsonObject ?? throw Bad(at, "status", "missing");
            var identity = status["identity"] as JsonObject;
            var labels = (status["labels"] as JsonObject)?["security-relevant"] ?? identity?["labels"];
            var addressing = (status["networking"] as JsonObject)?["addressing"] as JsonArray;
            var first = addressing?.OfType<JsonObject>().FirstOrDefault();
            var external = status["external-identifiers"] as JsonObject;
            var enabled = ((status["policy"] as JsonObject)?["realized"] as JsonObject)?["policy-enabled"];
            var (ingress, egress) = Enforcement(enabled is null ? null : Text(enabled, at, "status.policy.realized.policy-enabled"));
            list.Add(new EndpointModel(
                Number<ushort>(o["id"], at, "id"),
                identity is null ? 0 : Number<uint>(identity["id"], at, "status.identity.id"),
                labels is null ? [] : StringList(labels, at, "status.labels.security-relevant"),
                first?["ipv4"] is { } v4 ? Text(v4, at, "status.networking.addressing[0].ipv4") : "",
                first?["ipv6"] is { } v6 ? Text(v6, at, "status.networking.addressing[0].ipv6") : "",
                ingress,
                egress,
                status["state"] is { } state ? Text(state, at, "status.state") : "",
                external?["k8s-namespace"] is { } ns ? Text(ns, at, "status.external-identifiers.k8s-namespace") : "",
                external?["k8s-pod-name"] is { } pod ? Text(pod, at, "status.external-identifiers.k8s-pod-name") : ""));
        }
        return list;
    }

    public static string WriteIdentities(IEnumerable<IdentityModel> identities) =>
        new JsonArray([.. identities.OrderBy(i => i.Id).Select(i => (JsonNode)new JsonObject { ["id"] = i.Id, ["labels"] = Strings(i.Labels) })])
            .ToJsonString(s_indented);

    public static IReadOnlyList<IdentityModel> ReadIdentities(string json)
    {
        var items = Array(Parse(json, "identity list"), "identity list");
        return [.. items.Select((item, i) =>
        {
            var at = $"identity list [{i}]";
            var o = Object(item, at);
            return new IdentityModel(Number<uint>(o["id"], at, "id"), o["labels"] is { } l ? StringList(l, at, "labels") : []);
        })];
    }

    /// <summary>A map of prefix to its value texts (Cilium dumps the LPM map into <c>map[string][]string</c>).</summary>
    public static string WriteIpcache(IEnumerable<IpcacheEntry> entries)
    {
        var map = new JsonObject();
        foreach (var e in entries.OrderBy(e => e.Prefix, StringComparer.Ordinal))
        {
            map[e.Prefix] = new JsonArray(e.ValueText());
        }
        return map.ToJsonString(s_indented);
    }

    /// <summary>Reads the map; each value text is <c>identity=N encryptkey=K tunnelendpoint=IP flags=F</c> (missing keys keep their defaults).</summary>
    public static IReadOnlyList<IpcacheEntry> ReadIpcache(string json)
    {
        var map = Parse(json, "bpf ipcache list") as JsonObject ?? throw new FormatException("bpf ipcache list -o json: expected an object of prefix to values");
        var list = new List<IpcacheEntry>();
        foreach (var (prefix, values) in map)
        {
            var value = StringList(values ?? new JsonArray(), "bpf ipcache list", prefix).FirstOrDefault()
                ?? throw Bad("bpf ipcache list", prefix, "no value");
            var fields = value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).Where(p => p.Length == 2)
                .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
            if (!fields.TryGetValue("identity", out var id) || !uint.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var identity))
            {
                throw Bad("bpf ipcache list", prefix, $"no identity=N in \"{value}\"");
            }
            list.Add(new IpcacheEntry(prefix, identity,
                fields.TryGetValue("encryptkey", out var k) && byte.TryParse(k, NumberStyles.None, CultureInfo.InvariantCulture, out var key) ? key : (byte)0,
                fields.GetValueOrDefault("tunnelendpoint", "0.0.0.0"),
                fields.GetValueOrDefault("flags", "<none>")));
        }
        return list;
    }

    public static string WriteServices(IEnumerable<ServiceModel> services)
    {
        var array = new JsonArray();
        foreach (var s in services.OrderBy(s => s.Id))
        {
            var backends = new JsonArray();
            foreach (var b in s.Backends)
            {
                var space = b.IndexOf(' ', StringComparison.Ordinal);
                var address = Address(space < 0 ? b : b[..space]);
                address["state"] = space < 0 ? "active" : b[(space + 1)..].Trim('(', ')');
                backends.Add(address);
            }
            var spec = new JsonObject
            {
                ["backend-addresses"] = backends,
                ["flags"] = new JsonObject { ["type"] = s.Type },
                ["frontend-address"] = Address(s.Frontend),
                ["id"] = s.Id,
            };
            array.Add(new JsonObject { ["spec"] = spec });
        }
        return array.ToJsonString(s_indented);
    }

    public static IReadOnlyList<ServiceModel> ReadServices(string json)
    {
        var items = Array(Parse(json, "service list"), "service list");
        return [.. items.Select((item, i) =>
        {
            var at = $"service list [{i}]";
            var spec = Object(item, at)["spec"] as JsonObject ?? throw Bad(at, "spec", "missing");
            var frontend = spec["frontend-address"] as JsonObject ?? throw Bad(at, "spec.frontend-address", "missing");
            var backends = spec["backend-addresses"] as JsonArray ?? [];
            return new ServiceModel(
                Number<uint>(spec["id"], at, "spec.id"),
                AddressText(frontend, at, "spec.frontend-address"),
                (spec["flags"] as JsonObject)?["type"] is { } t ? Text(t, at, "spec.flags.type") : "ClusterIP",
                [.. backends.Select((b, j) =>
                {
                    var o = Object(b, $"{at} spec.backend-addresses[{j}]");
                    var state = o["state"] is { } st ? Text(st, at, $"spec.backend-addresses[{j}].state") : "active";
                    return $"{AddressText(o, at, $"spec.backend-addresses[{j}]")} ({state})";
                })]);
        })];
    }

    /// <summary>Reads <c>bpf policy get ID -o json</c> (<see cref="PolicyMapDump.ToJson"/>'s shape): ports back to host order.</summary>
    public static PolicyMapDump ReadPolicyMap(ushort endpointId, string json)
    {
        var items = Array(Parse(json, "bpf policy get"), "bpf policy get");
        return new PolicyMapDump(endpointId, [.. items.Select((item, i) =>
        {
            var at = $"bpf policy get [{i}]";
            var o = Object(item, at);
            var key = o["Key"] as JsonObject ?? throw Bad(at, "Key", "missing");
            var flags = Number(o["Flags"], at, "Flags");
            var packets = (ulong)NumberOrMax(o["Packets"], at, "Packets");
            var bytes = (ulong)NumberOrMax(o["Bytes"], at, "Bytes");
            return new PolicyMapEntryDump(
                Deny: (flags & 1) != 0,
                Egress: Number(key["TrafficDirection"], at, "Key.TrafficDirection") == 1,
                Identity: Number<uint>(key["Identity"], at, "Key.Identity"),
                Protocol: Number<byte>(key["Nexthdr"], at, "Key.Nexthdr"),
                Port: Swap(Number<ushort>(key["DestPortNetwork"], at, "Key.DestPortNetwork")),
                PortPrefixLength: (byte)((flags >> 3) & 0x1f),
                ProxyPort: Swap(Number<ushort>(o["ProxyPortNetwork"], at, "ProxyPortNetwork")),
                AuthType: (byte)(Number(o["AuthRequirement"], at, "AuthRequirement") & 0x7f),
                Packets: packets == PolicyMapDump.StatNotAvailable ? null : packets,
                Bytes: bytes == PolicyMapDump.StatNotAvailable ? null : bytes);
        })]);
    }

    /// <summary>Each line of <c>bpf ct list global</c> (<see cref="ConntrackEntry.ToText"/>'s format); lines that are not entries are skipped.</summary>
    public static IReadOnlyList<ConntrackEntry> ReadConntrack(string text)
    {
        var list = new List<ConntrackEntry>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 5 || words[3] != "->")
            {
                continue;
            }
            var f = words.Skip(5).Select(w => w.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
            ulong U(string name) => f.TryGetValue(name, out var v) && ulong.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
                : throw new FormatException($"bpf ct list: {name} missing or not a number in \"{line}\"");
            ulong Hex(string name) => f.TryGetValue(name, out var v) && v.StartsWith("0x", StringComparison.Ordinal)
                && ulong.TryParse(v.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var n) ? n
                : throw new FormatException($"bpf ct list: {name} missing or not hexadecimal in \"{line}\"");
            list.Add(new ConntrackEntry(words[0], words[1], words[2], words[4], U("expires"), U("Packets"), U("Bytes"),
                (byte)Hex("RxFlagsSeen"), (byte)Hex("TxFlagsSeen"), (ushort)Hex("Flags"), (uint)U("SourceSecurityID")));
        }
        return list;
    }

    private static (string Ingress, string Egress) Enforcement(string? policyEnabled) => policyEnabled switch
    {
        null => ("Unknown", "Unknown"),
        "none" => ("Disabled", "Disabled"),
        "ingress" => ("Enabled", "Disabled"),
        "egress" => ("Disabled", "Enabled"),
        "both" => ("Enabled", "Enabled"),
        "audit-ingress" => ("Disabled (Audit)", "Disabled"),
        "audit-egress" => ("Disabled", "Disabled (Audit)"),
        "audit-both" => ("Disabled (Audit)", "Disabled (Audit)"),
        _ => throw new FormatException($"endpoint list -o json: status.policy.realized.policy-enabled \"{policyEnabled}\" is none of none, ingress, egress, both, audit-ingress, audit-egress, audit-both"),
    };

    private static string PolicyEnabled(string ingress, string egress)
    {
        var audit = ingress.Contains("Audit", StringComparison.Ordinal) || egress.Contains("Audit", StringComparison.Ordinal);
        var i = ingress.StartsWith("Enabled", StringComparison.Ordinal) || ingress.Contains("Audit", StringComparison.Ordinal);
        var e = egress.StartsWith("Enabled", StringComparison.Ordinal) || egress.Contains("Audit", StringComparison.Ordinal);
        var which = (i, e) switch { (true, true) => "both", (true, false) => "ingress", (false, true) => "egress", _ => "none" };
        return audit && which != "none" ? "audit-" + which : which;
    }

    /// <summary><c>10.96.0.10:53/UDP</c> or <c>[fd00::a]:53/UDP</c> → Cilium's L3n4Addr fields.</summary>
    private static JsonObject Address(string text)
    {
        var slash = text.LastIndexOf('/');
        var hostPort = slash < 0 ? text : text[..slash];
        var colon = hostPort.LastIndexOf(':');
        var ip = colon < 0 ? hostPort : hostPort[..colon].Trim('[', ']');
        var port = colon < 0 ? 0 : ushort.Parse(hostPort[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture);
        var o = new JsonObject { ["ip"] = ip, ["port"] = port };
        if (slash >= 0)
        {
            o["protocol"] = text[(slash + 1)..];
        }
        return o;
    }

    private static string AddressText(JsonObject o, string at, string field)
    {
        var ip = o["ip"] is { } i ? Text(i, at, field + ".ip") : throw Bad(at, field + ".ip", "missing");
        var port = o["port"] is null ? 0 : Number(o["port"], at, field + ".port");
        var host = ip.Contains(':', StringComparison.Ordinal) ? $"[{ip}]" : ip;
        var protocol = o["protocol"] is { } p ? Text(p, at, field + ".protocol") : "";
        // agents before 1.18 send no protocol: print the address without one, as their service list did
        return protocol.Length == 0 ? $"{host}:{port}" : $"{host}:{port}/{protocol}";
    }

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);

    private static ushort Swap(ushort v) => (ushort)((v >> 8) | (v << 8));

    private static JsonNode Parse(string json, string command)
    {
        try
        {
            return JsonNode.Parse(json) ?? throw new FormatException($"{command} -o json: empty output");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{command} -o json: not JSON ({e.Message})", e);
        }
    }

    private static JsonArray Array(JsonNode node, string command) =>
        node as JsonArray ?? throw new FormatException($"{command} -o json: expected an array");

    private static JsonObject Object(JsonNode? node, string at) =>
        node as JsonObject ?? throw new FormatException($"{at}: expected an object");

    private static long Number(JsonNode? node, string at, string field) =>
        node.AsLong() ?? throw Bad(at, field, node is null ? "missing" : $"{node.ToJsonString()} is not an integer");

    /// <summary>An integer that must fit <typeparamref name="T"/> (an endpoint id in 16 bits, an identity in 32).</summary>
    private static T Number<T>(JsonNode? node, string at, string field) where T : struct, System.Numerics.INumber<T>
    {
        var n = Number(node, at, field);
        return T.CreateSaturating(n) is var v && long.CreateSaturating(v) == n ? v : throw Bad(at, field, $"{n} is out of range");
    }

    /// <summary>Counters may be 2^64-1 (not available), past a long: read them as unsigned.</summary>
    private static ulong NumberOrMax(JsonNode? node, string at, string field) =>
        node is JsonValue v && v.TryGetValue<ulong>(out var u) ? u
        : node is JsonValue e && e.TryGetValue<JsonElement>(out var el) && el.TryGetUInt64(out var ue) ? ue
        : (ulong)Number(node, at, field);

    private static string Text(JsonNode node, string at, string field) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw Bad(at, field, $"{node.ToJsonString()} is not a string");

    private static IReadOnlyList<string> StringList(JsonNode node, string at, string field) =>
        node is JsonArray a ? [.. a.Select((x, i) => x is null ? throw Bad(at, $"{field}[{i}]", "null") : Text(x, at, $"{field}[{i}]"))]
        : throw Bad(at, field, "expected an array of strings");

    private static FormatException Bad(string at, string field, string what) => new($"{at}: {field}: {what}");
}
