using System.ComponentModel.DataAnnotations;

namespace LabSite.Web.Admission;

/// <summary>
/// How many learner clusters this host runs at once and how much one client may take, bound from the
/// <c>AdmissionOptions</c> section (e.g. <c>AdmissionOptions__MemoryBudgetMiB=4000</c>). Checked at start.
/// </summary>
public sealed class AdmissionOptions : IValidatableObject
{
    /// <summary>
    /// Memory the operator gives to learner clusters. The default, 1000 MiB at <see cref="MiBPerCluster"/> 10, is 100
    /// clusters: the netns backend's own default limit (<c>NetnsOptions:MaxClusters</c>).
    /// </summary>
    public int MemoryBudgetMiB { get; set; } = 1000;

    /// <summary>
    /// Memory one learner's cluster costs. Measured (bench/LabSite.TerminalBench, 200 learners with a Star Wars cluster
    /// and a terminal each): MemAvailable fell 8.9 MiB per learner; since then the BPF maps shrank to 4.25 MiB per lab,
    /// plus ~2.4 MiB of site/agent memory. 10 keeps a margin. A kind cluster needs its node's memory (2048 by default).
    /// </summary>
    public int MiBPerCluster { get; set; } = 10;

    /// <summary>Clusters one anonymous client (an IPv4 address, an IPv6 /64) may hold or wait for, however many cookies it brings.</summary>
    public int PerClientLimit { get; set; } = 3;

    /// <summary>Learners waiting at most; beyond it a request is refused with Retry-After rather than queued.</summary>
    public int MaxQueue { get; set; } = 1000;

    /// <summary>
    /// A waiter who stops asking (closed the tab) leaves the line after this long; an admitted learner who does not
    /// come to start their cluster within it loses the turn to the next.
    /// </summary>
    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A workshop's seats are reserved from the capacity from this long before its start until its end.</summary>
    public TimeSpan WorkshopLead { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>Live learner clusters at most: the budget divided by the cost of one.</summary>
    public int Capacity => MiBPerCluster > 0 ? MemoryBudgetMiB / MiBPerCluster : 0;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, value, minimum) in new[]
        {
            (nameof(MemoryBudgetMiB), MemoryBudgetMiB, 1),
            (nameof(MiBPerCluster), MiBPerCluster, 1),
            (nameof(PerClientLimit), PerClientLimit, 1),
            (nameof(MaxQueue), MaxQueue, 0),
        })
        {
            if (value < minimum)
            {
                yield return new ValidationResult($"{nameof(AdmissionOptions)}:{name} must be at least {minimum}; got {value}", [name]);
            }
        }
        if (MiBPerCluster > 0 && Capacity < 1)
        {
            yield return new ValidationResult(
                $"{nameof(AdmissionOptions)}:{nameof(MemoryBudgetMiB)} ({MemoryBudgetMiB}) is less than one cluster ({nameof(MiBPerCluster)} {MiBPerCluster})",
                [nameof(MemoryBudgetMiB)]);
        }
        if (QueueTimeout < TimeSpan.FromSeconds(10))
        {
            yield return new ValidationResult($"{nameof(AdmissionOptions)}:{nameof(QueueTimeout)} must be at least 00:00:10; got {QueueTimeout:c}", [nameof(QueueTimeout)]);
        }
        if (WorkshopLead < TimeSpan.Zero)
        {
            yield return new ValidationResult($"{nameof(AdmissionOptions)}:{nameof(WorkshopLead)} must not be negative; got {WorkshopLead:c}", [nameof(WorkshopLead)]);
        }
    }
}
