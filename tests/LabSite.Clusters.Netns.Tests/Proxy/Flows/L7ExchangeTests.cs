using System.Net;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Netns.Proxy.Flows;

namespace LabSite.Clusters.Netns.Tests.Proxy.Flows;

public sealed class L7ExchangeTests
{
    private static readonly L7Exchange s_exchange = new(
        IPEndPoint.Parse("10.1.0.5:40000"), new NumericIdentity(1001), IPEndPoint.Parse("10.1.255.10:80"), new NumericIdentity(8),
        TrafficDirection.EGRESS, 15001);

    [Fact]
    public void The_formatted_addresses_follow_a_with_that_changes_the_endpoints()
    {
        // The ingress router picks a backend with `with { Server = ... }`: its flows must name the backend, not the frontend.
        var routed = s_exchange with { Server = IPEndPoint.Parse("10.1.0.9:8080"), Client = IPEndPoint.Parse("10.1.0.1:50000") };

        Assert.Equal(("10.1.0.5", "10.1.255.10"), (s_exchange.ClientAddress, s_exchange.ServerAddress));
        Assert.Equal(("10.1.0.1", "10.1.0.9"), (routed.ClientAddress, routed.ServerAddress));
        Assert.Equal("10.1.0.9", (routed with { Direction = TrafficDirection.INGRESS }).ServerAddress);
    }
}
