namespace LabSite.Sandbox.Netns.Proxy.Flows;

using System.Net;
using LabSite.Sandbox.Contract.Flows;
using LabSite.Sandbox.Netns.Identity;

/// <summary>
/// Who talks to whom on one proxied connection, in request direction: the client (peer of the accepted socket) and
/// the server (the original destination), with their identities.
/// </summary>
public sealed record L7Exchange(
    IPEndPoint Client, NumericIdentity ClientIdentity, IPEndPoint Server, NumericIdentity ServerIdentity,
    TrafficDirection Direction, ushort ProxyPort);
