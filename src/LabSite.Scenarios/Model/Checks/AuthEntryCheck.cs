namespace LabSite.Scenarios.Model.Checks;

/// <summary>
/// Passes when the auth map (<c>cilium-dbg bpf auth list</c>) holds an unexpired entry authenticating
/// <see cref="Local"/>'s identity with <see cref="Remote"/>'s (the node of a <see cref="Local"/> pod did the mutual-TLS
/// handshake), or, with <see cref="Present"/> false, holds none.
/// </summary>
public sealed record AuthEntryCheck(string Id, string Title, SourceLocation Location, PodSelector Local, PodSelector Remote, bool Present)
    : CheckSpec(Id, Title, Location);
