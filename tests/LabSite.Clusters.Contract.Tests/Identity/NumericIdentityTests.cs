using LabSite.Clusters.Contract.Identity;

namespace LabSite.Clusters.Contract.Tests.Identity;

public class NumericIdentityTests
{
    [Theory]
    [InlineData(1u, "host")]
    [InlineData(2u, "world")]
    [InlineData(3u, "unmanaged")]
    [InlineData(4u, "health")]
    [InlineData(5u, "init")]
    [InlineData(6u, "remote-node")]
    [InlineData(7u, "kube-apiserver")]
    [InlineData(8u, "ingress")]
    [InlineData(9u, "world-ipv4")]
    [InlineData(10u, "world-ipv6")]
    [InlineData(11u, "encrypted-overlay")]
    public void Reserved_values_keep_ciliums_numbers_and_names_both_ways(uint value, string name)
    {
        Assert.Equal(name, new NumericIdentity(value).ReservedName);
        Assert.Equal(new NumericIdentity(value), NumericIdentity.FromReservedName(name));
        Assert.True(new NumericIdentity(value).IsReserved);
    }

    [Fact]
    public void Unknown_is_zero_and_the_table_is_in_numeric_order()
    {
        Assert.Equal("unknown", NumericIdentity.Unknown.ReservedName);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (uint)i), NumericIdentity.Reserved.Select(r => r.Id.Value));
    }

    [Fact]
    public void Cluster_and_local_identities_are_not_reserved()
    {
        Assert.Null(new NumericIdentity(256).ReservedName);
        Assert.False(new NumericIdentity(256).IsReserved);
        Assert.True(new NumericIdentity(16777217).IsLocalScope);
        Assert.Null(NumericIdentity.FromReservedName("nope"));
    }
}
