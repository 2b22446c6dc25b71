using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Netns.Tests.Proxy.Support;
using static LabSite.Clusters.Netns.Tests.Proxy.Support.ProxyHarness;

namespace LabSite.Clusters.Netns.Tests.Proxy.Flows;

/// <summary>The flows a real exchange through the proxy produces, field by field, as Hubble shows them for the demo.</summary>
public sealed class L7FlowProxyTests(UpstreamFixture fixture) : IClassFixture<UpstreamFixture>
{
    [Fact]
    public async Task AllowedLandingGivesAForwardedRequestAndAReplyWithLatency()
    {
        await using var h = Start(fixture.Upstream.EndPoint);
        h.AllowStarWarsLanding();
        await h.CurlAsync(Tiefighter, "-XPOST", $"http://{DeathstarHost}/v1/request-landing");

        var flows = await h.Sink.WaitForAsync(2);

        Assert.Equal(2, flows.Count);
        var (request, response) = (flows[0], flows[1]);
        Assert.Equal(FlowType.L7, request.Type);
        Assert.Equal(Verdict.FORWARDED, request.Verdict);
        Assert.Equal(new CiliumEventType(129), request.EventType);
        Assert.Equal(L7FlowType.REQUEST, request.L7!.Type);
        Assert.Equal("POST", request.L7.Http!.Method);
        Assert.Equal($"http://{DeathstarHost}/v1/request-landing", request.L7.Http.Url);
        Assert.Equal("HTTP/1.1", request.L7.Http.Protocol);
        Assert.Contains(request.L7.Http.Headers, x => x.Key == "User-Agent" && x.Value.StartsWith("curl/", StringComparison.Ordinal));
        Assert.Equal($"HTTP/1.1 POST http://{DeathstarHost}/v1/request-landing", request.Summary);
        Assert.False(request.IsReply);
        Assert.Equal(TrafficDirection.INGRESS, request.TrafficDirection);
        Assert.Equal(TiefighterId.Value, request.Source!.Identity);
        Assert.Equal(DeathstarId.Value, request.Destination!.Identity);
        Assert.Equal("127.0.0.2", request.IP!.Source);
        Assert.Equal((uint)fixture.Upstream.EndPoint.Port, request.L4!.TCP!.DestinationPort);
        Assert.Equal("labsite/node", request.NodeName);

        Assert.Equal(L7FlowType.RESPONSE, response.L7!.Type);
        Assert.Equal(200u, response.L7.Http!.Code);
        Assert.True(response.L7.LatencyNs > 0);
        Assert.True(response.IsReply);
        Assert.Equal(Verdict.FORWARDED, response.Verdict);
        Assert.Equal(DeathstarId.Value, response.Source!.Identity); // replies run server → client
        Assert.Equal("127.0.0.2", response.IP!.Destination);
        Assert.Matches($@"^HTTP/1\.1 200 \d+ms \(POST http://{DeathstarHost.Replace(".", @"\.")}/v1/request-landing\)$", response.Summary);
    }

    [Fact]
    public async Task DeniedExhaustPortGivesADroppedRequestAndA403Reply()
    {
        await using var h = Start(fixture.Upstream.EndPoint);
        h.AllowStarWarsLanding();
        await h.CurlAsync(Tiefighter, "-XPUT", $"http://{DeathstarHost}/v1/exhaust-port");

        var flows = await h.Sink.WaitForAsync(2);

        Assert.Equal(Verdict.DROPPED, flows[0].Verdict);
        Assert.Equal($"HTTP/1.1 PUT http://{DeathstarHost}/v1/exhaust-port", flows[0].Summary);
        Assert.Equal(403u, flows[1].L7!.Http!.Code);
        Assert.Equal(Verdict.FORWARDED, flows[1].Verdict);
    }

    [Fact]
    public async Task FlowsSerialiseAsHubbleJson()
    {
        await using var h = Start(fixture.Upstream.EndPoint);
        h.AllowStarWarsLanding();
        await h.CurlAsync(Tiefighter, "-XPUT", $"http://{DeathstarHost}/v1/exhaust-port");
        var flows = await h.Sink.WaitForAsync(1);

        var json = FlowJson.WriteFlow(flows[0]);

        Assert.Contains("\"Type\":\"L7\"", json);
        Assert.Contains("\"verdict\":\"DROPPED\"", json);
        Assert.Contains("\"l7\":{\"type\":\"REQUEST\",\"http\":{\"method\":\"PUT\"", json);
        Assert.Contains("\"event_type\":{\"type\":129}", json);
    }
}
