using System.Globalization;

namespace LabSite.Clusters.Contract.Flows;

/// <summary>
/// Builds a <see cref="FlowFilterSet"/> from <c>hubble observe</c> filter flags with Hubble's semantics: repeating a
/// flag ORs its values, different flags AND, <c>--not</c> sends the next flag to the denylist. Flags that match
/// either side (<c>--pod</c>, <c>--ip</c>, <c>--label</c>, ...) become two filters, one on the source and one on
/// the destination, as the Hubble CLI builds them; every other flag is added to both.
/// </summary>
public sealed class FlowFilterBuilder
{
    private readonly Side _allow = new();
    private readonly Side _deny = new();
    private bool _not;

    private sealed class Side
    {
        public FlowFilter Left { get; } = new();
        public FlowFilter Right { get; } = new();
        public bool Split { get; set; }
    }

    /// <summary>Flags taking a value that this builder understands (long names, without dashes).</summary>
    public static readonly IReadOnlySet<string> Flags = new HashSet<string>
    {
        "pod", "from-pod", "to-pod", "namespace", "from-namespace", "to-namespace", "ip", "from-ip", "to-ip",
        "label", "from-label", "to-label", "identity", "from-identity", "to-identity", "port", "from-port", "to-port",
        "service", "from-service", "to-service", "fqdn", "from-fqdn", "to-fqdn", "verdict", "drop-reason-desc",
        "type", "protocol", "http-method", "http-path", "http-status", "traffic-direction", "node-name",
    };

    /// <summary>Negates the next filter flag (<c>--not</c>).</summary>
    public FlowFilterBuilder Not()
    {
        _not = true;
        return this;
    }

    /// <summary>Adds one flag (long name without dashes; <c>n</c>, <c>t</c>, <c>l</c> accepted); throws naming the flag on a bad value.</summary>
    public FlowFilterBuilder Add(string flag, string value)
    {
        ArgumentNullException.ThrowIfNull(flag);
        ArgumentNullException.ThrowIfNull(value);
        flag = flag switch { "n" => "namespace", "t" => "type", "l" => "label", _ => flag };
        var side = _not ? _deny : _allow;
        _not = false;
        switch (flag)
        {
            case "pod": Either(side, f => f.SourcePod, f => f.DestinationPod, Pod(value)); break;
            case "from-pod": Both(side, f => f.SourcePod, Pod(value)); break;
            case "to-pod": Both(side, f => f.DestinationPod, Pod(value)); break;
            case "namespace": Either(side, f => f.SourcePod, f => f.DestinationPod, value + "/"); break;
            case "from-namespace": Both(side, f => f.SourcePod, value + "/"); break;
            case "to-namespace": Both(side, f => f.DestinationPod, value + "/"); break;
            case "ip": Either(side, f => f.SourceIp, f => f.DestinationIp, value); break;
            case "from-ip": Both(side, f => f.SourceIp, value); break;
            case "to-ip": Both(side, f => f.DestinationIp, value); break;
            case "label": Either(side, f => f.SourceLabel, f => f.DestinationLabel, value); break;
            case "from-label": Both(side, f => f.SourceLabel, value); break;
            case "to-label": Both(side, f => f.DestinationLabel, value); break;
            case "identity": Either(side, f => f.SourceIdentity, f => f.DestinationIdentity, Identity(flag, value)); break;
            case "from-identity": Both(side, f => f.SourceIdentity, Identity(flag, value)); break;
            case "to-identity": Both(side, f => f.DestinationIdentity, Identity(flag, value)); break;
            case "port": Either(side, f => f.SourcePort, f => f.DestinationPort, Port(flag, value)); break;
            case "from-port": Both(side, f => f.SourcePort, Port(flag, value)); break;
            case "to-port": Both(side, f => f.DestinationPort, Port(flag, value)); break;
            case "service": Either(side, f => f.SourceService, f => f.DestinationService, Pod(value)); break;
            case "from-service": Both(side, f => f.SourceService, Pod(value)); break;
            case "to-service": Both(side, f => f.DestinationService, Pod(value)); break;
            case "fqdn": Either(side, f => f.SourceFqdn, f => f.DestinationFqdn, value); break;
            case "from-fqdn": Both(side, f => f.SourceFqdn, value); break;
            case "to-fqdn": Both(side, f => f.DestinationFqdn, value); break;
            case "verdict": Both(side, f => f.Verdict, ParseEnum<Verdict>(flag, value.ToUpperInvariant())); break;
            case "drop-reason-desc": Both(side, f => f.DropReasonDesc, ParseEnum<DropReason>(flag, value.ToUpperInvariant())); break;
            case "traffic-direction": Both(side, f => f.TrafficDirection, ParseEnum<TrafficDirection>(flag, value.ToUpperInvariant())); break;
            case "type": Both(side, f => f.EventType, EventType(value)); break;
            case "protocol": Both(side, f => f.Protocol, Protocol(value)); break;
            case "http-method": Both(side, f => f.HttpMethod, value); break;
            case "http-path": Both(side, f => f.HttpPath, value); break;
            case "http-status": Both(side, f => f.HttpStatusCode, Status(value)); break;
            case "node-name": Both(side, f => f.NodeName, value); break;
            default: throw new ArgumentException($"unknown filter flag --{flag}");
        }
        return this;
    }

    public FlowFilterSet Build() => new(Filters(_allow), Filters(_deny));

    private static List<FlowFilter> Filters(Side s) =>
        s.Left.IsEmpty ? [] : s.Split ? [s.Left, s.Right] : [s.Left];

    private static void Either<T>(Side s, Func<FlowFilter, List<T>> source, Func<FlowFilter, List<T>> dest, T value)
    {
        if (!s.Split)
        {
            // From now on the two filters differ; until now the right one mirrored the left one.
            s.Split = true;
        }
        source(s.Left).Add(value);
        dest(s.Right).Add(value);
    }

    private static void Both<T>(Side s, Func<FlowFilter, List<T>> list, T value)
    {
        list(s.Left).Add(value);
        list(s.Right).Add(value);
    }

    /// <summary><c>[ns/]name-prefix</c>; without a namespace, <c>default</c>.</summary>
    private static string Pod(string value) => value.Contains('/', StringComparison.Ordinal) ? value : "default/" + value;

    private static uint Identity(string flag, string value) => uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
        ? id
        : throw new ArgumentException($"--{flag}: \"{value}\" is not a numeric identity");

    private static string Port(string flag, string value) => ushort.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _)
        ? value
        : throw new ArgumentException($"--{flag}: \"{value}\" is not a port number");

    private static string Status(string value) =>
        value.Length is >= 1 and <= 3 && value.TrimEnd('+').All(char.IsAsciiDigit) && (value.Length == 3 || value.EndsWith('+'))
            ? value
            : throw new ArgumentException($"--http-status: \"{value}\" is not a status code like 404 or a class like 5+");

    private static string Protocol(string value)
    {
        var v = value.ToLowerInvariant();
        return v is "tcp" or "udp" or "sctp" or "icmp" or "icmpv4" or "icmpv6" or "http" or "dns"
            ? v
            : throw new ArgumentException($"--protocol: unknown protocol \"{value}\" (tcp, udp, sctp, icmp, icmpv4, icmpv6, http, dns)");
    }

    private static T ParseEnum<T>(string flag, string value)
        where T : struct, Enum =>
        Enum.TryParse<T>(value, ignoreCase: false, out var v) && !int.TryParse(value, out _)
            ? v
            : throw new ArgumentException($"--{flag}: \"{value}\" is not one of {string.Join(", ", Enum.GetNames<T>().Skip(1))}");

    /// <summary>drop, trace[:point], l7, policy-verdict, capture, trace-sock (names or numbers, as Hubble accepts).</summary>
    private static (int, int?) EventType(string value)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        var (name, sub) = colon < 0 ? (value, null) : (value[..colon], value[(colon + 1)..]);
        var type = name switch
        {
            "drop" => MonitorEventType.Drop,
            "debug" => MonitorEventType.Debug,
            "capture" => MonitorEventType.Capture,
            "trace" => MonitorEventType.Trace,
            "policy-verdict" => MonitorEventType.PolicyVerdict,
            "trace-sock" => MonitorEventType.TraceSock,
            "l7" => MonitorEventType.AccessLog,
            _ when int.TryParse(name, out var n) => n,
            _ => throw new ArgumentException($"--type: unknown event type \"{name}\" (drop, trace, l7, policy-verdict, capture, trace-sock)"),
        };
        if (sub is null)
        {
            return (type, null);
        }
        string[] points =
        [
            "to-endpoint", "to-proxy", "to-host", "to-stack", "to-overlay", "from-endpoint", "from-proxy", "from-host",
            "from-stack", "from-overlay", "from-network", "to-network", "from-crypto", "to-crypto",
        ];
        var idx = Array.IndexOf(points, sub);
        if (idx >= 0)
        {
            return (type, idx);
        }
        return int.TryParse(sub, out var s)
            ? (type, s)
            : throw new ArgumentException($"--type: unknown sub-type \"{sub}\" (e.g. trace:to-endpoint)");
    }
}
