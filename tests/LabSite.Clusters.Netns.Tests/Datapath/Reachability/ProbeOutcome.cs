namespace LabSite.Clusters.Netns.Tests.Datapath.Reachability;

/// <summary>What a real exchange showed: the reply came back, the datapath dropped it (with its reason), or neither.</summary>
public sealed record ProbeOutcome(ProbeResult Result, uint DropReason = 0, string? Detail = null)
{
    public static readonly ProbeOutcome Allowed = new(ProbeResult.Allowed);

    public bool Satisfies(ProbeCell cell) => cell.Allow
        ? Result == ProbeResult.Allowed
        : Result == ProbeResult.Dropped ? cell.DropReason is null || cell.DropReason == DropReason : Result == ProbeResult.TimedOut && cell.DropReason is null;

    public override string ToString() => Result switch
    {
        ProbeResult.Allowed => "allow",
        ProbeResult.Dropped => $"deny {DropReason}",
        ProbeResult.TimedOut => "deny (no reply and no drop event)",
        _ => $"error ({Detail})",
    };
}

public enum ProbeResult { Allowed, Dropped, TimedOut, Failed }
