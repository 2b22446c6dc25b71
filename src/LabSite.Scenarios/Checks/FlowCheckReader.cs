using System.Text.RegularExpressions;
using LabSite.Scenarios.Model;
using LabSite.Scenarios.Model.Checks;
using LabSite.Scenarios.Yaml;
using DropReason = LabSite.Clusters.Contract.Flows.DropReason;

namespace LabSite.Scenarios.Checks;

/// <summary>Reads <c>kind: flow</c> checks (see docs/authoring.md, "flow").</summary>
public static class FlowCheckReader
{
    public static readonly IReadOnlyList<string> Keys =
        ["from", "to", "verdict", "dropReason", "protocol", "port", "type", "direction", "http", "expect", "minCount", "window"];

    private static readonly IReadOnlyList<string> s_filterKeys =
        ["from", "to", "verdict", "dropReason", "protocol", "port", "type", "direction", "http"];

    public static readonly IReadOnlyList<string> HttpKeys = ["method", "path", "code"];

    /// <summary>
    /// Hubble's drop reason names (flow.proto, as <c>hubble observe --drop-reason-desc</c> takes them) a check may ask
    /// for: all but DROP_REASON_UNKNOWN. Labs mostly need POLICY_DENIED (no allow rule) and POLICY_DENY (a deny rule).
    /// </summary>
    public static readonly IReadOnlyList<string> DropReasons =
        Enum.GetNames<DropReason>().Where(n => n != nameof(DropReason.DROP_REASON_UNKNOWN)).ToList();

    public static readonly IReadOnlyDictionary<string, FlowVerdict> Verdicts = new Dictionary<string, FlowVerdict>
    {
        ["FORWARDED"] = FlowVerdict.Forwarded,
        ["DROPPED"] = FlowVerdict.Dropped,
        ["ERROR"] = FlowVerdict.Error,
        ["AUDIT"] = FlowVerdict.Audit,
        ["REDIRECTED"] = FlowVerdict.Redirected,
        ["TRACED"] = FlowVerdict.Traced,
        ["TRANSLATED"] = FlowVerdict.Translated,
    };

    public static readonly IReadOnlyDictionary<string, FlowProtocol> Protocols = new Dictionary<string, FlowProtocol>
    {
        ["tcp"] = FlowProtocol.Tcp,
        ["udp"] = FlowProtocol.Udp,
        ["icmp"] = FlowProtocol.Icmp,
        ["http"] = FlowProtocol.Http,
        ["dns"] = FlowProtocol.Dns,
    };

    public static readonly IReadOnlyDictionary<string, FlowEventType> Types = new Dictionary<string, FlowEventType>
    {
        ["drop"] = FlowEventType.Drop,
        ["trace"] = FlowEventType.Trace,
        ["l7"] = FlowEventType.L7,
        ["policy-verdict"] = FlowEventType.PolicyVerdict,
    };

    /// <summary>Trace observation points a <c>type: trace:POINT</c> may name (hubble observe's <c>--type trace:POINT</c>).</summary>
    public static readonly IReadOnlyList<string> TracePoints =
    [
        "to-endpoint", "to-proxy", "to-host", "to-stack", "to-overlay", "from-endpoint", "from-proxy", "from-host",
        "from-stack", "from-overlay", "from-network", "to-network", "from-crypto", "to-crypto",
    ];

    public static readonly IReadOnlyDictionary<string, TrafficDirection> Directions = new Dictionary<string, TrafficDirection>
    {
        ["ingress"] = TrafficDirection.Ingress,
        ["egress"] = TrafficDirection.Egress,
    };

    public static readonly IReadOnlyDictionary<string, FlowExpectation> Expectations = new Dictionary<string, FlowExpectation>
    {
        ["exists"] = FlowExpectation.Exists,
        ["absent"] = FlowExpectation.Absent,
    };

    public static readonly IReadOnlyDictionary<string, CheckWindow> Windows = new Dictionary<string, CheckWindow>
    {
        ["step"] = CheckWindow.Step,
        ["lab"] = CheckWindow.Lab,
    };

    public static CheckSpec? Read(CheckHeader header, YamlMapReader reader)
    {
        var from = PodSelectorReader.Read(reader, "from");
        var to = PodSelectorReader.Read(reader, "to");
        var verdict = reader.Enum("verdict", Verdicts);
        var dropReason = reader.String("dropReason");
        if (dropReason is not null && !DropReasons.Contains(dropReason))
        {
            reader.Error("dropReason", reader.BadChoice("dropReason", dropReason, DropReasons));
        }
        else if (dropReason is not null && verdict is not null and not FlowVerdict.Dropped)
        {
            reader.Error("dropReason", $"{header.Context} asks for dropReason {dropReason} but verdict {reader.String("verdict")}; a drop reason only matches DROPPED flows");
        }

        var protocol = reader.Enum("protocol", Protocols);
        var port = reader.Int("port", 1, 65535, "a port number");
        var (type, point) = ReadType(header, reader);
        var direction = reader.Enum("direction", Directions);
        var http = ReadHttp(header, reader, protocol);
        var expect = reader.Enum("expect", Expectations) ?? FlowExpectation.Exists;
        var minCount = reader.Int("minCount", 1, 10000, "a whole number");
        if (minCount is not null && expect == FlowExpectation.Absent)
        {
            reader.Error("minCount", $"{header.Context} expects no matching flow, so minCount has no meaning; remove it");
        }

        var window = reader.Enum("window", Windows) ?? CheckWindow.Step;
        if (!s_filterKeys.Any(reader.Has))
        {
            reader.Bag.Error(header.Location, $"{header.Context} matches every flow; narrow it with at least one of {string.Join(", ", s_filterKeys)}");
            return null;
        }

        var filter = new FlowFilter(from, to, verdict, dropReason, protocol, port, type, direction, http, point);
        return new FlowCheck(header.Id, header.Title, header.Location, filter, expect, minCount ?? 1, window);
    }

    /// <summary><c>type</c>: an event type, or <c>trace:POINT</c> for traces at one observation point.</summary>
    private static (FlowEventType? Type, string? Point) ReadType(CheckHeader header, YamlMapReader reader)
    {
        if (reader.String("type") is not { } text || !text.StartsWith("trace:", StringComparison.Ordinal))
        {
            return (reader.Enum("type", Types), null);
        }
        var point = text["trace:".Length..];
        if (!TracePoints.Contains(point))
        {
            reader.Error("type", $"\"type\" of {header.Context} names observation point \"{point}\"; use trace:POINT with one of {string.Join(", ", TracePoints)}");
            return (null, null);
        }
        return (FlowEventType.Trace, point);
    }

    private static HttpFlowFilter? ReadHttp(CheckHeader header, YamlMapReader reader, FlowProtocol? protocol)
    {
        var http = reader.Mapping("http", HttpKeys);
        if (http is null)
        {
            return null;
        }

        if (protocol is not null and not FlowProtocol.Http)
        {
            reader.Error("http", $"{header.Context} filters on HTTP but its protocol is {reader.String("protocol")}; set protocol: http or remove it");
        }

        var method = http.String("method");
        if (method is not null && !HttpMethods.All.Contains(method))
        {
            http.Error("method", http.BadChoice("method", method, HttpMethods.All));
        }

        var path = http.String("path");
        if (path is not null && !IsRegex(path, out var problem))
        {
            http.Error("path", $"\"path\" of {header.Context} is a regular expression matched against the whole path, and \"{path}\" is not one: {problem}");
        }

        var code = http.Int("code", 100, 599, "an HTTP status code");
        return new HttpFlowFilter(method, path, code);
    }

    private static bool IsRegex(string pattern, out string problem)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            problem = "";
            return true;
        }
        catch (ArgumentException e)
        {
            problem = e.Message;
            return false;
        }
    }
}

/// <summary>HTTP methods checks may name, written in upper case as on the wire.</summary>
public static class HttpMethods
{
    public static readonly IReadOnlyList<string> All = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];
}
