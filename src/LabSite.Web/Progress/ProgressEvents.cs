using LabSite.Web.Learners;

namespace LabSite.Web.Progress;

/// <summary>
/// Progress changes others react to without the store knowing them (a workshop's step.completed webhook). Raised after
/// the write, once per step: only when a step goes from not done to done.
/// </summary>
public sealed class ProgressEvents
{
    public event Action<LearnerId, string, string>? StepCompleted;

    public void Completed(LearnerId learner, string labId, string stepId) => StepCompleted?.Invoke(learner, labId, stepId);
}
