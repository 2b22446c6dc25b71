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
    // Formatted once per endpoint, not per flow: every flow of the connection shares these strings. The constructor
    // sets them from its parameters; a `with` that changes an endpoint (the ingress choosing a backend) runs its init.
    public string ClientAddress { get; private set; } = Client.Address.ToString();

    public string ServerAddress { get; private set; } = Server.Address.ToString();

    public IPEndPoint Client { get; init { field = value; ClientAddress = value.Address.ToString(); } } = Client;

    public IPEndPoint Server { get; init { field = value; ServerAddress = value.Address.ToString(); } } = Server;
}
