using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Netns.Proxy.Http;

namespace LabSite.Clusters.Netns.Proxy.Flows;

/// <summary>
/// Makes Hubble flows for HTTP requests and responses the way Cilium's access-log path does: Type L7, event type
/// 129 (access log), <c>l7.http</c> with the request's method, URL (<c>http://{Host}{path}</c>) and headers, and
/// the compact printer's summary. A denied request is a DROPPED request flow; every response (the proxy's own 403
/// included) is a FORWARDED reply flow carrying the latency and, as in Cilium, the request's fields and headers.
/// Responses swap source and destination so the printer shows them as replies. The flows are compact
/// (<see cref="L7HttpFlow"/>) until read.
/// </summary>
public sealed class L7FlowFactory(string nodeName, TimeProvider time)
{
    public L7HttpFlow Request(L7Exchange x, HttpRequestHead request, bool allowed) =>
        new(nodeName, Now(), x, request, allowed ? Verdict.FORWARDED : Verdict.DROPPED, isReply: false, code: 0, latencyNs: 0);

    public L7HttpFlow Response(L7Exchange x, HttpRequestHead request, int statusCode, TimeSpan latency) =>
        new(nodeName, Now(), x, request, Verdict.FORWARDED, isReply: true, (uint)statusCode, (ulong)Math.Max(0, latency.Ticks) * 100);

    private Timestamp Now() => Timestamp.FromDateTimeOffset(time.GetUtcNow());
}
