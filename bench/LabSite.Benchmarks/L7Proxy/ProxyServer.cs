using System.Globalization;
using System.Net;
using System.Net.Sockets;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Netns.Proxy;
using LabSite.Clusters.Netns.Proxy.Flows;
using LabSite.Clusters.Netns.Proxy.Rules;

namespace LabSite.Benchmarks.L7Proxy;

/// <summary>
/// The proxy under test, alone in its process: a loopback listener whose original destination is the upstream,
/// one HTTP rule (GET /) and a flow sink that counts, so the measurement includes rule evaluation and flow
/// building. Writes its managed heap size (after a full GC) to a file every second for the driver.
/// </summary>
internal static class ProxyServer
{
    private sealed class CountingSink : IL7FlowSink
    {
        public long Count;

        public void Publish(Flow flow) => Interlocked.Increment(ref Count);
    }

    public static async Task<int> ServeAsync(IPEndPoint listen, IPEndPoint upstream, string statsFile)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(listen);
        listener.Listen(4096);
        var policies = new L7PolicyTable();
        policies.Set(new L7PolicyKey(upstream.Address, TrafficDirection.INGRESS, (ushort)upstream.Port),
            new L7PortPolicy([new L7RuleSet([HttpRule.Create(method: "GET", path: "/")], new HashSet<NumericIdentity>())]));
        var options = new L7ProxyOptions
        {
            ProxyPort = (ushort)listen.Port,
            IdentityOf = _ => NumericIdentity.World,
            OriginalDestination = _ => upstream,
        };
        await using var proxy = new LabSite.Clusters.Netns.Proxy.L7Proxy(listener, options, policies, new CountingSink());
        proxy.Start();

        // Until the driver kills this process; an hour at most if the driver died.
        for (var i = 0; i < 3600; i++)
        {
            var heap = GC.GetTotalMemory(forceFullCollection: true);
            await File.WriteAllTextAsync(statsFile + ".tmp", heap.ToString(CultureInfo.InvariantCulture));
            File.Move(statsFile + ".tmp", statsFile, overwrite: true); // the driver never reads a half-written file
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        return 1;
    }
}
