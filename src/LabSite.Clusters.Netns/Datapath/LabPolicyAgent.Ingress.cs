using System.Net;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Netns.Proxy;
using LabSite.Clusters.Netns.Proxy.Listener;
using LabSite.Clusters.Netns.Proxy.Routing;

namespace LabSite.Clusters.Netns.Datapath;

/// <summary>The lab's ingress listeners (Cilium Ingress / Gateway API) are L7 proxies of this node, routed instead of policed.</summary>
public sealed partial class LabPolicyAgent
{
    /// <summary>
    /// Starts a routed L7 listener on <paramref name="ip"/>:<paramref name="port"/> in the node namespace. Its upstream
    /// connections carry the egress-proxy mark with the reserved <c>ingress</c> identity (8), so bpf_lxc judges them at
    /// the backend by its ingress policy for that identity and reports them from it, as Cilium's Envoy traffic is.
    /// The listener's L7 flows go to the lab's ring like every proxy's.
    /// </summary>
    internal L7Proxy StartIngressProxy(IPAddress ip, ushort port, IL7RequestRouter router)
    {
        var mark = ProxySockets.EgressUpstreamMark(NumericIdentity.Ingress);
        var node = _nodeThread;
        var listener = node.Run(() => ProxySockets.CreateTransparentListener(port, bind: ip));
        var proxy = new L7Proxy(listener, new L7ProxyOptions
        {
            Direction = TrafficDirection.INGRESS,
            ProxyPort = port,
            IdentityOf = IdentityOf,
            NodeName = NodeName,
            Router = router,
            CreateUpstreamSocket = x => new ValueTask<System.Net.Sockets.Socket>(node.RunAsync(() => ProxySockets.CreateUpstream(x.Server.AddressFamily, mark))),
        }, new Proxy.Rules.L7PolicyTable(), new L7FlowRingSink(_lookup, Flows));
        proxy.Start();
        return proxy;
    }

    /// <summary>The identity of an address as the lab's ipcache gives it (for the ingress router's upstream flows).</summary>
    internal NumericIdentity IdentityOfAddress(IPAddress ip) => IdentityOf(ip);
}
