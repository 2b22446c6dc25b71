using LabSite.Shell.Tests.Support;
using LabSite.Testing;

namespace LabSite.Shell.Tests.Bgp;

/// <summary>
/// The BGP commands' own handling, on a cluster without BGP (the in-memory one): clear refusals and usage, never
/// invented tables. The real sessions and router are exercised by the netns backend's privileged BGP tests.
/// </summary>
public sealed class BgpShellTests
{
    [Theory]
    [InlineData("cilium bgp peers", "Error: this cluster runs no BGP control plane\n")]
    [InlineData("cilium bgp routes advertised ipv4 unicast", "Error: this cluster runs no BGP control plane\n")]
    [InlineData("cilium-dbg bgp peers", "Error: this cluster runs no BGP control plane\n")]
    [InlineData("cilium bgp routes available ipv6 unicast", "Error: the lab's speakers carry ipv4 unicast only, not ipv6 unicast\n")]
    [InlineData("cilium bgp routes available ipv4 unicast peer 172.30.0.1", "Error: invalid argument \"peer 172.30.0.1\": usage: bgp routes <available | advertised> <afi> <safi> [vrouter <asn>] [peer|neighbor <address>]\n")]
    [InlineData("cilium status", "Error: the lab's cilium CLI offers bgp peers, bgp routes and clustermesh status; \"cilium status\" is not available (try cilium-dbg)\n")]
    [InlineData("cilium bgp peers --all", "Error: unknown argument \"--all\" for \"bgp peers\"\n")]
    [InlineData("vtysh", "vtysh: the lab router has no interactive shell here; run one show command with -c, e.g. vtysh -c 'show bgp summary'\n")]
    [InlineData("vtysh -c", "vtysh: the lab router has no interactive shell here; run one show command with -c, e.g. vtysh -c 'show bgp summary'\n")]
    [InlineData("vtysh -c 'show bgp summary'", "vtysh: this lab has no router yet (it starts with the first CiliumBGPClusterConfig, CiliumBGPPeerConfig or CiliumBGPAdvertisement)\n")]
    [InlineData("router ping 172.31.0.1", "Usage: router curl http://ADDRESS[:PORT]/PATH   (an HTTP GET from the lab router)\n")]
    [InlineData("router curl http://172.31.0.1/ -o x", "Usage: router curl http://ADDRESS[:PORT]/PATH   (an HTTP GET from the lab router)\n")]
    public async Task BgpCommandsRefuseOrExplainWithoutBgp(string line, string error)
    {
        using var shell = new ShellHarness(StarWarsObjects.Cluster(), inspection: true);
        var (status, output, err) = await shell.RunAsync(line);
        Assert.Equal((1, "", error), (status, output, err));
    }
}
