using LabSite.Clusters.Contract;

namespace LabSite.Clusters.Netns.Tests;

public class LabAddressingTests
{
    [Fact]
    public void SlotsGetDisjointPodAndServiceRanges()
    {
        var pods = new HashSet<string>();
        var services = new HashSet<string>();
        for (var slot = 0; slot < LabAddressing.MaxSlots; slot++)
        {
            var a = new LabAddressing(slot);
            Assert.True(pods.Add(a.PodCidr), $"slot {slot} pod range {a.PodCidr} repeats");
            Assert.True(services.Add(a.ServiceCidr), $"slot {slot} service range {a.ServiceCidr} repeats");
            Assert.False(a.PodOctet is >= 96 and <= 111, $"slot {slot} pods {a.PodCidr} overlap the service block");
            Assert.True(a.InServiceRange(a.ServiceIp(0)) && a.InServiceRange(a.ServiceIp(4093)));
        }
    }

    [Fact]
    public void FirstAddressesLookLikeKubernetes()
    {
        var a = new LabAddressing(0);
        Assert.Equal("10.1.0.0/16", a.PodCidr);
        Assert.Equal("10.1.0.2", a.PodIp(0).ToString());
        Assert.Equal("10.1.1.0", a.PodIp(254).ToString());
        Assert.Equal("10.96.0.0/20", a.ServiceCidr);
        Assert.Equal("10.96.0.1", a.ServiceIp(0).ToString());
        Assert.Equal("10.96.16.0/20", new LabAddressing(1).ServiceCidr);
    }

    [Fact]
    public void ExhaustedRangesSayWhich()
    {
        var e = Assert.Throws<ClusterException>(() => new LabAddressing(0).PodIp(70000));
        Assert.Equal("pod range 10.1.0.0/16 is exhausted", e.Message);
    }
}
