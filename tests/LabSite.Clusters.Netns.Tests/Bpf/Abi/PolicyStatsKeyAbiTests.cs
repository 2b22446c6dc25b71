using LabSite.Clusters.Netns.Bpf.Abi;

namespace LabSite.Clusters.Netns.Tests.Bpf.Abi;

/// <summary>The stats key of a policy entry is masked as policy_account (bpf/lib/policy.h) masks a packet's.</summary>
public class PolicyStatsKeyAbiTests
{
    [Theory]
    [InlineData(6, 80, 24, 6, 80)]       // one port: kept
    [InlineData(6, 8085, 20, 6, 8080)]   // 8080-8095: the range's first port
    [InlineData(6, 443, 8, 6, 0)]        // protocol only: port wildcarded
    [InlineData(6, 443, 0, 0, 0)]        // any: protocol and port wildcarded
    public void Masks_protocol_and_port_to_the_entry_prefix(byte protocol, ushort port, byte prefix, byte wantProtocol, int wantPort)
    {
        var key = new PolicyStatsKeyAbi(232, new PolicyKeyAbi(31028, egress: false, protocol, port, prefix));

        Assert.Equal((232, 31028u, 0, prefix), (key.EndpointId, key.SecLabel, key.Egress, key.PrefixLength));
        Assert.Equal((wantProtocol, wantPort), (key.Protocol, NetworkOrder.ToPort(key.DportNetworkOrder)));
    }

    [Fact]
    public void Egress_entries_keep_their_direction() =>
        Assert.Equal(1, new PolicyStatsKeyAbi(7, new PolicyKeyAbi(0, egress: true, 17, 53, 24)).Egress);
}
