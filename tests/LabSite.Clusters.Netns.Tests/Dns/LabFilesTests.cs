using System.Net;
using LabSite.Clusters.Netns.Dns;
using LabSite.Clusters.Netns.Pods;
using LabSite.Clusters.Netns.Services;

namespace LabSite.Clusters.Netns.Tests.Dns;

public class LabFilesTests
{
    [Fact]
    public void HostsListsThePodAndServicesUnderTheirKubernetesNames()
    {
        var spec = new PodSpec("default", "tiefighter", new Dictionary<string, string>(), []);
        var pod = new PodRuntime(spec, 2, "ls-lab1-p2", "lxc0123456789ab", IPAddress.Parse("10.1.0.4"), IPAddress.Parse("10.1.0.1"));
        var none = new Dictionary<string, string>();
        ServiceSpec[] services =
        [
            new("kube-system", "kube-dns", IPAddress.Parse("10.96.0.10"), none, []),
            new("default", "deathstar", IPAddress.Parse("10.96.0.12"), none, []),
        ];

        var hosts = LabFiles.Hosts(pod, services);

        Assert.Equal(
            "# Kubernetes-managed hosts file (labsite netns backend).\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n" +
            "10.1.0.4\ttiefighter\n" +
            "10.96.0.12\tdeathstar.default.svc.cluster.local deathstar.default.svc deathstar.default deathstar\n" +
            "10.96.0.10\tkube-dns.kube-system.svc.cluster.local kube-dns.kube-system.svc kube-dns.kube-system\n",
            hosts);
    }
}
