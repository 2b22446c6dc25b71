using System.Globalization;
using System.Text.Json;

namespace LabSite.Clusters.Contract.Flows;

/// <summary>
/// A <see cref="FlowQuery"/> as Hubble's own <c>GetFlowsRequest</c> (observer.proto) in protojson with proto field
/// names: <c>number</c>, <c>first</c>, <c>follow</c>, <c>whitelist</c>/<c>blacklist</c> of <c>FlowFilter</c>,
/// <c>since</c>, <c>until</c>. How the agent API carries a query, so what crosses it is Hubble's shape, not ours.
/// <c>--all</c> is <c>number</c> = 2^64-1, as the Hubble CLI sends it. Reading names the field that is wrong.
/// </summary>
public static class FlowRequestJson
{
    /// <summary>Hubble's <c>--all</c>: the largest uint64.</summary>
    public const ulong AllFlows = ulong.MaxValue;

    /// <summary>
    /// The request for <paramref name="query"/>. Following without a count keeps the last 20 flows of history,
    /// as <see cref="IClusterInspector.FollowFlowsAsync"/> does in-process.
    /// </summary>
    public static string Write(FlowQuery query, bool follow)
    {
        ArgumentNullException.ThrowIfNull(query);
        var j = new JsonText();
        j.BeginObject();
        ulong number = query switch
        {
            { First: { } f } => (ulong)f,
            _ when follow => (ulong)(query.Last ?? 20),
            { All: true } or { Last: null } => AllFlows,
            _ => (ulong)query.Last!.Value,
        };
        // number is written even when 0: "no history" differs from "all" here.
        j.Literal("number", $"\"{number.ToString(CultureInfo.InvariantCulture)}\"");
        j.Bool("first", query.First is not null);
        j.Bool("follow", follow);
        WriteFilters(j, "blacklist", query.Filter.Deny);
        WriteFilters(j, "whitelist", query.Filter.Allow);
        if (query.Since is { } since)
        {
            j.Timestamp("since", since);
        }
        if (query.Until is { } until)
        {
            j.Timestamp("until", until);
        }
        j.EndObject();
        return j.ToString();
    }

    /// <summary>Reads a request; throws <see cref="FormatException"/> naming the field (e.g. <c>whitelist[0].verdict</c>).</summary>
    public static (FlowQuery Query, bool Follow) Read(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"GetFlowsRequest: not JSON: {e.Message}", e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("GetFlowsRequest: expected an object");
            }
            ulong number = 0;
            bool first = false, follow = false;
            Timestamp? since = null, until = null;
            IReadOnlyList<FlowFilter> allow = [], deny = [];
            foreach (var p in root.EnumerateObject())
            {
                switch (p.Name)
                {
                    case "number": number = Uint64(p.Value, "number"); break;
                    case "first": first = Bool(p.Value, "first"); break;
                    case "follow": follow = Bool(p.Value, "follow"); break;
                    case "whitelist": allow = ReadFilters(p.Value, "whitelist"); break;
                    case "blacklist": deny = ReadFilters(p.Value, "blacklist"); break;
                    case "since": since = FlowJsonReader.ParseTimestamp(Text(p.Value, "since"), "since"); break;
                    case "until": until = FlowJsonReader.ParseTimestamp(Text(p.Value, "until"), "until"); break;
                    default: throw new FormatException($"GetFlowsRequest: unknown field \"{p.Name}\"");
                }
            }
            var count = (int)Math.Min(number, int.MaxValue);
            var filter = new FlowFilterSet(allow, deny);
            var query = first
                ? new FlowQuery(filter, Last: null, First: count, Since: since, Until: until)
                : number == AllFlows && !follow
                    ? new FlowQuery(filter, Last: null, All: true, Since: since, Until: until)
                    : new FlowQuery(filter, Last: count, Since: since, Until: until);
            return (query, follow);
        }
    }

    private static void WriteFilters(JsonText j, string name, IReadOnlyList<FlowFilter> filters)
    {
        if (filters.Count == 0)
        {
            return;
        }
        j.BeginArray(name);
        foreach (var f in filters)
        {
            j.BeginObject();
            Strings(j, "source_ip", f.SourceIp);
            Strings(j, "source_pod", f.SourcePod);
            Strings(j, "source_fqdn", f.SourceFqdn);
            Strings(j, "destination_ip", f.DestinationIp);
            Strings(j, "destination_pod", f.DestinationPod);
            Strings(j, "destination_fqdn", f.DestinationFqdn);
            Enums(j, "verdict", f.Verdict);
            if (f.EventType.Count > 0)
            {
                j.BeginArray("event_type");
                foreach (var (type, sub) in f.EventType)
                {
                    j.BeginObject();
                    j.Literal("type", type.ToString(CultureInfo.InvariantCulture));
                    if (sub is { } s)
                    {
                        j.Literal("match_sub_type", "true");
                        j.Literal("sub_type", s.ToString(CultureInfo.InvariantCulture));
                    }
                    j.EndObject();
                }
                j.EndArray();
            }
            Strings(j, "http_status_code", f.HttpStatusCode);
            Strings(j, "source_label", f.SourceLabel);
            Strings(j, "destination_label", f.DestinationLabel);
            Strings(j, "protocol", f.Protocol);
            Strings(j, "source_port", f.SourcePort);
            Strings(j, "destination_port", f.DestinationPort);
            Literals(j, "reply", f.Reply.Select(r => r ? "true" : "false"));
            Strings(j, "source_service", f.SourceService);
            Strings(j, "destination_service", f.DestinationService);
            Literals(j, "source_identity", f.SourceIdentity.Select(i => i.ToString(CultureInfo.InvariantCulture)));
            Literals(j, "destination_identity", f.DestinationIdentity.Select(i => i.ToString(CultureInfo.InvariantCulture)));
            Strings(j, "http_method", f.HttpMethod);
            Strings(j, "http_path", f.HttpPath);
            Strings(j, "node_name", f.NodeName);
            Enums(j, "traffic_direction", f.TrafficDirection);
            Enums(j, "drop_reason_desc", f.DropReasonDesc);
            j.EndObject();
        }
        j.EndArray();
    }

    private static void Strings(JsonText j, string name, List<string> values) => j.StringList(name, values);

    private static void Enums<T>(JsonText j, string name, List<T> values)
        where T : struct, Enum => j.StringList(name, values.Select(v => v.ToString()).ToList());

    private static void Literals(JsonText j, string name, IEnumerable<string> values)
    {
        var list = values.ToList();
        if (list.Count == 0)
        {
            return;
        }
        j.BeginArray(name);
        foreach (var v in list)
        {
            j.Literal(null, v);
        }
        j.EndArray();
    }

    private static List<FlowFilter> ReadFilters(JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"GetFlowsRequest: {name}: expected an array of FlowFilter");
        }
        var list = new List<FlowFilter>();
        var index = 0;
        foreach (var item in e.EnumerateArray())
        {
            list.Add(ReadFilter(item, $"{name}[{index++}]"));
        }
        return list;
    }

    private static FlowFilter ReadFilter(JsonElement e, string at)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"GetFlowsRequest: {at}: expected a FlowFilter object");
        }
        var f = new FlowFilter();
        foreach (var p in e.EnumerateObject())
        {
            var field = $"{at}.{p.Name}";
            switch (p.Name)
            {
                case "source_ip": f.SourceIp.AddRange(Texts(p.Value, field)); break;
                case "source_pod": f.SourcePod.AddRange(Texts(p.Value, field)); break;
                case "source_fqdn": f.SourceFqdn.AddRange(Texts(p.Value, field)); break;
                case "source_label": f.SourceLabel.AddRange(Texts(p.Value, field)); break;
                case "source_service": f.SourceService.AddRange(Texts(p.Value, field)); break;
                case "source_port": f.SourcePort.AddRange(Texts(p.Value, field)); break;
                case "source_identity": f.SourceIdentity.AddRange(Items(p.Value, field).Select(v => (uint)Uint64(v, field))); break;
                case "destination_ip": f.DestinationIp.AddRange(Texts(p.Value, field)); break;
                case "destination_pod": f.DestinationPod.AddRange(Texts(p.Value, field)); break;
                case "destination_fqdn": f.DestinationFqdn.AddRange(Texts(p.Value, field)); break;
                case "destination_label": f.DestinationLabel.AddRange(Texts(p.Value, field)); break;
                case "destination_service": f.DestinationService.AddRange(Texts(p.Value, field)); break;
                case "destination_port": f.DestinationPort.AddRange(Texts(p.Value, field)); break;
                case "destination_identity": f.DestinationIdentity.AddRange(Items(p.Value, field).Select(v => (uint)Uint64(v, field))); break;
                case "verdict": f.Verdict.AddRange(Texts(p.Value, field).Select(v => EnumValue<Verdict>(v, field))); break;
                case "drop_reason_desc": f.DropReasonDesc.AddRange(Texts(p.Value, field).Select(v => EnumValue<DropReason>(v, field))); break;
                case "traffic_direction": f.TrafficDirection.AddRange(Texts(p.Value, field).Select(v => EnumValue<TrafficDirection>(v, field))); break;
                case "event_type": f.EventType.AddRange(Items(p.Value, field).Select(v => EventType(v, field))); break;
                case "protocol": f.Protocol.AddRange(Texts(p.Value, field)); break;
                case "reply": f.Reply.AddRange(Items(p.Value, field).Select(v => Bool(v, field))); break;
                case "http_method": f.HttpMethod.AddRange(Texts(p.Value, field)); break;
                case "http_path": f.HttpPath.AddRange(Texts(p.Value, field)); break;
                case "http_status_code": f.HttpStatusCode.AddRange(Texts(p.Value, field)); break;
                case "node_name": f.NodeName.AddRange(Texts(p.Value, field)); break;
                default: throw new FormatException($"GetFlowsRequest: {at}: unknown or unsupported FlowFilter field \"{p.Name}\"");
            }
        }
        return f;
    }

    private static (int, int?) EventType(JsonElement e, string field)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"GetFlowsRequest: {field}: expected {{\"type\": N}}");
        }
        int type = 0, sub = 0;
        var match = false;
        foreach (var p in e.EnumerateObject())
        {
            switch (p.Name)
            {
                case "type": type = (int)Uint64(p.Value, field + ".type"); break;
                case "sub_type": sub = (int)Uint64(p.Value, field + ".sub_type"); break;
                case "match_sub_type": match = Bool(p.Value, field + ".match_sub_type"); break;
                default: throw new FormatException($"GetFlowsRequest: {field}: unknown field \"{p.Name}\"");
            }
        }
        return (type, match ? sub : null);
    }

    private static IEnumerable<JsonElement> Items(JsonElement e, string field) => e.ValueKind == JsonValueKind.Array
        ? e.EnumerateArray().ToList()
        : throw new FormatException($"GetFlowsRequest: {field}: expected an array");

    private static IEnumerable<string> Texts(JsonElement e, string field) => Items(e, field).Select(v => Text(v, field)).ToList();

    private static string Text(JsonElement e, string field) => e.ValueKind == JsonValueKind.String
        ? e.GetString()!
        : throw new FormatException($"GetFlowsRequest: {field}: expected a string, got {e.ValueKind}");

    private static bool Bool(JsonElement e, string field) => e.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new FormatException($"GetFlowsRequest: {field}: expected true or false, got {e.ValueKind}"),
    };

    /// <summary>protojson writes 64-bit integers as strings and accepts both.</summary>
    private static ulong Uint64(JsonElement e, string field)
    {
        if (e.ValueKind == JsonValueKind.Number && e.TryGetUInt64(out var n))
        {
            return n;
        }
        if (e.ValueKind == JsonValueKind.String && ulong.TryParse(e.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out n))
        {
            return n;
        }
        throw new FormatException($"GetFlowsRequest: {field}: expected a non-negative integer, got {e.GetRawText()}");
    }

    private static T EnumValue<T>(string text, string field)
        where T : struct, Enum =>
        Enum.TryParse<T>(text, ignoreCase: false, out var v) && !char.IsAsciiDigit(text.FirstOrDefault())
            ? v
            : throw new FormatException($"GetFlowsRequest: {field}: \"{text}\" is not a {typeof(T).Name} ({string.Join(", ", Enum.GetNames<T>())})");
}
