using System.Net;
using System.Net.Sockets;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Netns.Proxy.Http;

namespace LabSite.Clusters.Netns.Proxy.Flows;

/// <summary>
/// One HTTP request or response flow of the proxy, kept in compact form: the connection's shared exchange, the
/// request's method, authority, target and headers as they were when the flow happened (references to the parsed
/// strings, no copies), status and latency. <see cref="Build"/> makes the Hubble flow when a reader asks for it, the
/// way Cilium's access-log path shapes it (see <see cref="L7FlowFactory"/>). A sink that keeps it names it first
/// (<see cref="Name"/>): node, UUID and endpoint details resolved at publication, as later the pod may be gone.
/// </summary>
public sealed class L7HttpFlow : FlowSource
{
    // Immutable, so every L7 flow shares one instance.
    private static readonly CiliumEventType s_accessLog = new(MonitorEventType.AccessLog);

    private readonly L7Exchange _x;
    private readonly Timestamp _time;
    private readonly Verdict _verdict;
    private readonly bool _isReply;
    private readonly string _method;
    private readonly string _host;
    private readonly string _target;
    private readonly HttpWireVersion _version;

    // A snapshot: the proxy edits the request's header list (rule header actions) after its request flow is published.
    private readonly KeyValuePair<string, string>[] _headers;
    private readonly uint _code;
    private readonly ulong _latencyNs;
    private string _nodeName;
    private Guid _uuid;
    private Endpoint? _source;
    private Endpoint? _destination;

    internal L7HttpFlow(string nodeName, Timestamp time, L7Exchange x, HttpRequestHead request, Verdict verdict, bool isReply, uint code, ulong latencyNs)
    {
        _nodeName = nodeName;
        _time = time;
        _x = x;
        _verdict = verdict;
        _isReply = isReply;
        _method = request.Method;
        _host = request.Host;
        _target = request.Target;
        _version = request.Version;
        _headers = [.. request.Headers];
        _code = code;
        _latencyNs = latencyNs;
    }

    public override Timestamp Time => _time;

    public IPAddress SourceAddress => (_isReply ? _x.Server : _x.Client).Address;

    public IPAddress DestinationAddress => (_isReply ? _x.Client : _x.Server).Address;

    public uint SourceIdentity => (_isReply ? _x.ServerIdentity : _x.ClientIdentity).Value;

    public uint DestinationIdentity => (_isReply ? _x.ClientIdentity : _x.ServerIdentity).Value;

    /// <summary>
    /// Set by the sink that keeps the flow, before anyone reads it: the node, the UUID, and endpoint templates (pod
    /// name, namespace, labels; shared by many flows and never modified) whose fields the built flow's endpoints get.
    /// </summary>
    internal void Name(string nodeName, Guid uuid, Endpoint? source, Endpoint? destination)
    {
        _nodeName = nodeName;
        _uuid = uuid;
        _source = source;
        _destination = destination;
    }

    public override Flow Build()
    {
        var (src, dst) = _isReply ? (_x.Server, _x.Client) : (_x.Client, _x.Server);
        var (srcAddress, dstAddress) = _isReply ? (_x.ServerAddress, _x.ClientAddress) : (_x.ClientAddress, _x.ServerAddress);
        var headers = new List<HTTPHeader>(_headers.Length);
        foreach (var h in _headers)
        {
            headers.Add(new HTTPHeader(h.Key, h.Value));
        }

        var http = new HTTP { Method = _method, Url = HttpRequestHead.FlowUrlOf(_host, _target), Protocol = _version.FlowName(), Headers = headers, Code = _code };
        return new Flow
        {
            Time = _time,
            Uuid = _uuid == Guid.Empty ? "" : _uuid.ToString(),
            Verdict = _verdict,
            Type = FlowType.L7,
            NodeName = _nodeName,
            EventType = s_accessLog,
            IP = new IP
            {
                Source = srcAddress,
                Destination = dstAddress,
                IpVersion = src.AddressFamily == AddressFamily.InterNetworkV6 ? IPVersion.IPv6 : IPVersion.IPv4,
            },
            L4 = new Layer4 { TCP = new TCP((uint)src.Port, (uint)dst.Port, null) },
            Source = Endpoint(_source, SourceIdentity),
            Destination = Endpoint(_destination, DestinationIdentity),
            TrafficDirection = _x.Direction,
            IsReply = _isReply,
            Reply = _isReply,
            ProxyPort = _x.ProxyPort,
            L7 = _isReply
                ? new Layer7 { Type = L7FlowType.RESPONSE, LatencyNs = _latencyNs, Http = http }
                : new Layer7 { Type = L7FlowType.REQUEST, Http = http },

            // Hubble prints whole milliseconds, truncated: "HTTP/1.1 200 0ms (POST http://…)".
            Summary = _isReply
                ? $"{http.Protocol} {_code} {_latencyNs / 1_000_000}ms ({http.Method} {http.Url})"
                : $"{http.Protocol} {http.Method} {http.Url}",
        };
    }

    private static Endpoint Endpoint(Endpoint? template, uint identity) => template is null
        ? new Endpoint { Identity = identity }
        : new Endpoint
        {
            Identity = identity,
            ID = template.ID,
            Namespace = template.Namespace,
            PodName = template.PodName,
            Labels = template.Labels,
            Workloads = template.Workloads,
        };
}
