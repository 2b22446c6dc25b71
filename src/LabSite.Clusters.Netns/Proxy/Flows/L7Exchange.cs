using System.Net;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Identity;

namespace LabSite.Clusters.Netns.Proxy.Flows;

/// <summary>
/// Who talks to whom on one proxied connection, in request direction: the client (peer of the accepted socket) and
/// the server (the original destination), with their identities.
/// </summary>
public sealed record L7Exchange(
    IPEndPoint Client, NumericIdentity ClientIdentity, IPEndPoint Server, NumericIdentity ServerIdentity,
    TrafficDirection Direction, ushort ProxyPort)
{
    // Formatted once per connection, not per flow: every flow of the connection shares these strings. (A `with`
    // that changed Client or Server would copy stale ones; only Direction and ProxyPort are ever changed.)
    public string ClientAddress { get; } = Client.Address.ToString();

    public string ServerAddress { get; } = Server.Address.ToString();
}
