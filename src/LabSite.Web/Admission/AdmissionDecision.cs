namespace LabSite.Web.Admission;

public enum AdmissionOutcome
{
    /// <summary>A slot is the cluster's: create it.</summary>
    Admitted,

    /// <summary>The host is full: the cluster waits in line at <see cref="AdmissionDecision.Position"/>.</summary>
    Queued,

    /// <summary>Refused: the client's limit, or a full line. Try again after <see cref="AdmissionDecision.RetryAfter"/>.</summary>
    Refused,
}

/// <param name="Position">1 for the head of the line; 0 unless queued.</param>
/// <param name="Reason">For a refusal, what to tell the learner.</param>
public sealed record AdmissionDecision(AdmissionOutcome Outcome, int Position = 0, TimeSpan RetryAfter = default, string? Reason = null)
{
    public static readonly AdmissionDecision Admitted = new(AdmissionOutcome.Admitted);
}

/// <summary>
/// A cluster cannot be created now: queued (with its place in line) or refused. An <see cref="InvalidOperationException"/>
/// so every path that shows a cluster problem already shows this one's message.
/// </summary>
public sealed class ClusterAdmissionException(AdmissionDecision decision) : InvalidOperationException(Describe(decision))
{
    public AdmissionDecision Decision { get; } = decision;

    public static string Describe(AdmissionDecision decision) => decision.Outcome switch
    {
        AdmissionOutcome.Queued => $"This host runs all the lab clusters it can right now: you are number {decision.Position} in line. " +
            "Your cluster starts when it is your turn; keep this page open.",
        _ => decision.Reason ?? "No lab cluster can be started for you right now.",
    };
}
