using System.Net.Sockets;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Netns.Proxy.Http;

namespace LabSite.Clusters.Netns.Proxy.Flows;

/// <summary>
/// Builds Hubble flows for HTTP requests and responses the way Cilium's access-log path does: Type L7, event type
/// 129 (access log), <c>l7.http</c> with the request's method, URL (<c>http://{Host}{path}</c>) and headers, and
/// the compact printer's summary. A denied request is a DROPPED request flow; every response (the proxy's own 403
/// included) is a FORWARDED reply flow carrying the latency and, as in Cilium, the request's fields and headers.
/// Responses swap source and destination so the printer shows them as replies.
/// </summary>
public sealed class L7FlowFactory(string nodeName, TimeProvider time)
{
    // Immutable, so every L7 flow shares one instance (the flow ring keeps thousands alive).
    private static readonly CiliumEventType s_accessLog = new(MonitorEventType.AccessLog);

    public Flow Request(L7Exchange x, HttpRequestHead request, bool allowed)
    {
        var http = Http(request);
        var flow = Base(x, isReply: false, allowed ? Verdict.FORWARDED : Verdict.DROPPED);
        flow.L7 = new Layer7 { Type = L7FlowType.REQUEST, Http = http };
        flow.Summary = $"{http.Protocol} {http.Method} {http.Url}";
        return flow;
    }

    public Flow Response(L7Exchange x, HttpRequestHead request, int statusCode, TimeSpan latency)
    {
        var http = Http(request);
        http.Code = (uint)statusCode;
        var flow = Base(x, isReply: true, Verdict.FORWARDED);
        var latencyNs = (ulong)Math.Max(0, latency.Ticks) * 100;
        flow.L7 = new Layer7 { Type = L7FlowType.RESPONSE, LatencyNs = latencyNs, Http = http };

        // Hubble prints whole milliseconds, truncated: "HTTP/1.1 200 0ms (POST http://…)".
        flow.Summary = $"{http.Protocol} {statusCode} {latencyNs / 1_000_000}ms ({http.Method} {http.Url})";
        return flow;
    }

    private static HTTP Http(HttpRequestHead request)
    {
        // Sized once, no LINQ enumerator: this runs twice per proxied request.
        var headers = new List<HTTPHeader>(request.Headers.Count);
        foreach (var h in request.Headers)
        {
            headers.Add(new HTTPHeader(h.Key, h.Value));
        }
        return new HTTP { Method = request.Method, Url = request.FlowUrl, Protocol = request.Version.FlowName(), Headers = headers };
    }

    private Flow Base(L7Exchange x, bool isReply, Verdict verdict)
    {
        var (src, dst) = isReply ? (x.Server, x.Client) : (x.Client, x.Server);
        var (srcAddress, dstAddress) = isReply ? (x.ServerAddress, x.ClientAddress) : (x.ClientAddress, x.ServerAddress);
        var (srcId, dstId) = isReply ? (x.ServerIdentity, x.ClientIdentity) : (x.ClientIdentity, x.ServerIdentity);
        return new Flow
        {
            Time = Timestamp.FromDateTimeOffset(time.GetUtcNow()),
            Verdict = verdict,
            Type = FlowType.L7,
            NodeName = nodeName,
            EventType = s_accessLog,
            IP = new IP
            {
                Source = srcAddress,
                Destination = dstAddress,
                IpVersion = src.AddressFamily == AddressFamily.InterNetworkV6 ? IPVersion.IPv6 : IPVersion.IPv4,
            },
            L4 = new Layer4 { TCP = new TCP((uint)src.Port, (uint)dst.Port, null) },
            Source = new Endpoint { Identity = srcId.Value },
            Destination = new Endpoint { Identity = dstId.Value },
            TrafficDirection = x.Direction,
            IsReply = isReply,
            Reply = isReply,
            ProxyPort = x.ProxyPort,
        };
    }
}
