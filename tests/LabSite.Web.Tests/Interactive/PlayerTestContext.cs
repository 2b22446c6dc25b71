using Bunit;
using LabSite.Clusters.Contract;
using LabSite.Grader.Results;
using LabSite.Scenarios.Model;
using LabSite.Scenarios.Model.Checks;
using LabSite.Web.Checks;
using LabSite.Web.Learners;
using LabSite.Web.Terminal;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LabSite.Web.Tests.Interactive;

/// <summary>bunit context for the player's interactive components: fake time, fixed antiforgery token, loose JS (focus).</summary>
public abstract class PlayerTestContext : BunitContext
{
    public const string AntiforgeryToken = "test-antiforgery-token";

    protected static readonly LearnerId Learner = new(Guid.Parse("0123456789abcdef0123456789abcdef"));

    private static readonly SourceLocation s_at = new("lab.md", 5, 1);

    protected PlayerTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddSingleton<TimeProvider>(Clock);
        Services.AddSingleton<AntiforgeryStateProvider>(new FixedAntiforgery());
    }

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));

    /// <summary>A step with one cluster check (the web pod) and one hint.</summary>
    protected static LabStep WebStep() => new("deploy", "Deploy", 0, "<p>Deploy web.</p>", [], [new Hint(1, "<p>kubectl run</p>")], null,
        [new ObjectCheck("web-exists", "The web pod exists", s_at, "Pod", "web", null, ObjectExpectation.Exists, null, null)], s_at);

    protected static CheckPanelState Failing() => new(
        [new CheckResult("web-exists", "The web pod exists", CheckOutcome.Failed, "Pod default/web exists", "Pod default/web does not exist", ["kubectl get pod web"], "Create it with kubectl run.")],
        null, new Dictionary<string, string>());

    protected static CheckPanelState Passing() => new(
        [new CheckResult("web-exists", "The web pod exists", CheckOutcome.Passed, "Pod default/web exists", "Pod default/web exists", [])],
        null, new Dictionary<string, string>());

    private sealed class FixedAntiforgery : AntiforgeryStateProvider
    {
        public override AntiforgeryRequestToken? GetAntiforgeryToken() => new(AntiforgeryToken, "__RequestVerificationToken");
    }
}

/// <summary>Answers each Check with the next queued outcome (a state, or an exception to throw) and records the calls.</summary>
public sealed class ScriptedChecker : IStepChecker
{
    private readonly Queue<Func<CheckPanelState>> _outcomes = new();

    public List<bool> Calls { get; } = [];

    public ScriptedChecker Then(CheckPanelState state)
    {
        _outcomes.Enqueue(() => state);
        return this;
    }

    public ScriptedChecker ThenThrow(Exception e)
    {
        _outcomes.Enqueue(() => throw e);
        return this;
    }

    public Task<CheckPanelState> CheckAsync(LearnerId learner, string labId, LabStep step, IReadOnlyDictionary<string, string> answers, bool background, CancellationToken ct)
    {
        Calls.Add(background);
        var next = _outcomes.Count > 1 ? _outcomes.Dequeue() : _outcomes.Peek();
        return Task.FromResult(next());
    }
}

/// <summary>A locator whose cluster runs or not, as the test says.</summary>
public sealed class SwitchLocator : ILabClusterLocator
{
    public ILabCluster? Cluster { get; set; }

    public Exception? Failure { get; set; }

    public Task<ILabCluster?> FindAsync(LearnerId learner, string labId, CancellationToken ct) =>
        Failure is { } e ? Task.FromException<ILabCluster?>(e) : Task.FromResult(Cluster);
}
