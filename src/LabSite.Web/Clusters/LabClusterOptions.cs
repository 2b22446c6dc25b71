using System.ComponentModel.DataAnnotations;

namespace LabSite.Web.Clusters;

/// <summary>
/// How long learners' clusters live, bound from the <c>LabClusterOptions</c> section (e.g. the environment variable
/// <c>LabClusterOptions__IdleTimeout=02:00:00</c>). Checked at start, so a bad value fails at boot naming the key.
/// </summary>
public sealed class LabClusterOptions : IValidatableObject
{
    /// <summary>
    /// The backend learners' clusters run on in this deployment: unset is the agent's default (netns), or <c>netns</c> or
    /// <c>kind</c> (the agent must host it: <c>KindOptions__Enabled=true</c>). A lab whose <c>backends:</c> does not list it
    /// (netns when unset) is refused with a clear message.
    /// </summary>
    public string? Backend { get; set; }

    /// <summary>A cluster with no terminal attached, no terminal input and no Check for this long is deleted.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromHours(4);

    /// <summary>How often idle clusters are looked for.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Upper bound on replaying a lab's solutions into a new cluster; the replay stops there and says so.</summary>
    public TimeSpan RestoreTimeout { get; set; } = TimeSpan.FromMinutes(10);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Backend is not null && !Scenarios.Loading.FrontMatterReader.Backends.Contains(Backend))
        {
            yield return new ValidationResult(
                $"{nameof(LabClusterOptions)}:{nameof(Backend)} must be one of {string.Join(", ", Scenarios.Loading.FrontMatterReader.Backends)}; got \"{Backend}\"", [nameof(Backend)]);
        }
        foreach (var (name, value, minimum) in new[]
        {
            (nameof(IdleTimeout), IdleTimeout, TimeSpan.FromMinutes(1)),
            (nameof(SweepInterval), SweepInterval, TimeSpan.FromSeconds(1)),
            (nameof(RestoreTimeout), RestoreTimeout, TimeSpan.FromSeconds(10)),
        })
        {
            if (value < minimum)
            {
                yield return new ValidationResult($"{nameof(LabClusterOptions)}:{name} must be at least {minimum:c}; got {value:c}", [name]);
            }
        }
    }
}
