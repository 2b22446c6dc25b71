using System.ComponentModel.DataAnnotations;

namespace LabSite.Web.Clusters.Pool;

/// <summary>
/// The warm pool of ready lab clusters, bound from the <c>WarmPoolOptions</c> section, e.g.
/// <c>WarmPoolOptions__Labs__starwars=5</c> keeps five Star Wars clusters ready. Off (0) for every lab by default:
/// self-paced learners wait for a cluster of their own; workshops pre-warm theirs regardless (see the Workshop* keys).
/// </summary>
public sealed class WarmPoolOptions : IValidatableObject
{
    /// <summary>Ready clusters to keep per lab id.</summary>
    public Dictionary<string, int> Labs { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How often the pool looks at its targets (it also wakes at once when a cluster is claimed).</summary>
    public TimeSpan RefillInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Clusters created at once while filling: more is faster on a big host, but each start costs CPU.</summary>
    public int Parallelism { get; set; } = 2;

    /// <summary>A workshop's first lab gets ready clusters for this fraction of its seats (rounded up)...</summary>
    public double WorkshopFraction { get; set; } = 0.7;

    /// <summary>...from this long before its start...</summary>
    public TimeSpan WorkshopLead { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>...until this long after it; then the unclaimed ones are deleted (late joiners get a cluster on demand).</summary>
    public TimeSpan WorkshopKeep { get; set; } = TimeSpan.FromMinutes(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (lab, size) in Labs)
        {
            if (size < 0)
            {
                yield return new ValidationResult($"{nameof(WarmPoolOptions)}:{nameof(Labs)}:{lab} must not be negative; got {size}", [nameof(Labs)]);
            }
        }
        if (RefillInterval < TimeSpan.FromSeconds(1))
        {
            yield return new ValidationResult($"{nameof(WarmPoolOptions)}:{nameof(RefillInterval)} must be at least 00:00:01; got {RefillInterval:c}", [nameof(RefillInterval)]);
        }
        if (Parallelism < 1)
        {
            yield return new ValidationResult($"{nameof(WarmPoolOptions)}:{nameof(Parallelism)} must be at least 1; got {Parallelism}", [nameof(Parallelism)]);
        }
        if (WorkshopFraction is < 0 or > 1 || double.IsNaN(WorkshopFraction))
        {
            yield return new ValidationResult($"{nameof(WarmPoolOptions)}:{nameof(WorkshopFraction)} must be between 0 and 1; got {WorkshopFraction}", [nameof(WorkshopFraction)]);
        }
        if (WorkshopLead < TimeSpan.Zero || WorkshopKeep < TimeSpan.Zero)
        {
            yield return new ValidationResult($"{nameof(WarmPoolOptions)}:{nameof(WorkshopLead)} and {nameof(WorkshopKeep)} must not be negative", [nameof(WorkshopLead), nameof(WorkshopKeep)]);
        }
    }
}
