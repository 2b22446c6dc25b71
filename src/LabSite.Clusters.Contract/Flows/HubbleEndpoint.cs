namespace LabSite.Clusters.Contract.Flows;

/// <summary>
/// Where a lab cluster's Hubble Observer gRPC API answers (plaintext, as Cilium's <c>hubble.sock</c>): a unix socket
/// path for <c>hubble --server unix://PATH</c>, and a loopback <c>host:port</c> when the operator turned TCP on.
/// </summary>
public sealed record HubbleEndpoint(string Unix, string? Tcp);
