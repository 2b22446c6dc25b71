using LabSite.Clusters.Contract;

namespace LabSite.Clusters.Netns.Tests;

public class LabNamesTests
{
    [Theory]
    [InlineData("lab1")]
    [InlineData("star-wars-42")]
    [InlineData("a")]
    public void GoodNamesPass(string name) => Assert.Null(LabNames.Validate(name));

    [Theory]
    [InlineData("")]
    [InlineData("-lab")]
    [InlineData("lab-")]
    [InlineData("Lab1")]
    [InlineData("lab_1")]
    [InlineData("lab/../x")]
    [InlineData("lab;rm")]
    [InlineData("averyveryverylongclustername")]
    public void BadNamesAreRefusedWithTheRule(string name)
    {
        var error = LabNames.Validate(name);
        Assert.Equal($"cluster name \"{name}\" is invalid: use 1-24 characters a-z, 0-9 and '-', starting and ending with a letter or digit", error);
    }

    [Fact]
    public void EveryObjectCarriesTheLabName()
    {
        var n = new LabNames(new NetnsOptions(), "lab1");
        Assert.Equal("ls-lab1-node", n.NodeNetns);
        Assert.Equal("ls-lab1-p3", n.PodNetns(3));
        Assert.Equal("/sys/fs/bpf/labsite/lab1", n.BpffsDirectory);
        Assert.Equal("/sys/fs/cgroup/unified/labsite/lab1", n.CgroupDirectory);
        var veth = LabNames.NodeVeth("default", "xwing", 3);
        Assert.Matches("^lxc[0-9a-f]{12}$", veth);
        Assert.Equal(15, veth.Length);
    }

    [Fact]
    public void BadOptionsFailNamingTheKey()
    {
        var e = Assert.Throws<ClusterException>(() => new NetnsBackend(new NetnsOptions { NamePrefix = "Bad-Prefix", MaxClusters = 0 }));
        Assert.Contains("NamePrefix: NetnsOptions:NamePrefix must be 2-8 lowercase letters/digits", e.Message);
        Assert.Contains("MaxClusters:", e.Message);
    }
}
