using LabSite.Clusters.Netns.Policy.Compile;

namespace LabSite.Clusters.Netns.Tests.Policy.Compile;

public class PortRangesTests
{
    [Theory]
    [InlineData(80, 80, "80/16")]
    [InlineData(8080, 8095, "8080/12")]
    [InlineData(80, 90, "80/13 88/15 90/16")]
    [InlineData(0, 65535, "0/0")]
    [InlineData(1, 3, "1/16 2/15")]
    [InlineData(65535, 65535, "65535/16")]
    public void Splits_ranges_into_aligned_prefixes(int first, int last, string expected)
    {
        var blocks = PortRanges.ToPrefixes((ushort)first, (ushort)last);
        Assert.Equal(expected, string.Join(" ", blocks.Select(b => $"{b.Start}/{b.PortBits}")));
    }

    [Fact]
    public void Every_port_in_the_range_is_covered_exactly_once()
    {
        var blocks = PortRanges.ToPrefixes(1000, 2047 + 13);
        var covered = blocks.SelectMany(b => Enumerable.Range(b.Start, 1 << (16 - b.PortBits))).ToList();
        Assert.Equal(Enumerable.Range(1000, 2047 + 13 - 1000 + 1), covered);
    }
}
