using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Grader.Evaluation;
using LabSite.Grader.Evaluation.Service;
using LabSite.Grader.Results;
using LabSite.Grader.Tests.Support;
using LabSite.Scenarios.Model.Checks;
using LabSite.Testing;

namespace LabSite.Grader.Tests.Evaluation;

public sealed class ServiceCheckEvaluatorTests
{
    private static ServiceCheck Check(int? backends = null, int? port = null, string service = "deathstar") =>
        new("lb", "lb", StarWarsLab.At, service, "default", port, backends);

    private static CheckContext Context(InMemoryCluster c) => new(c, StarWarsLab.StepStart, StarWarsLab.StepStart);

    private static string ClusterIp(InMemoryCluster c) =>
        (string)c.Store.Get(new ObjectQuery("services", "default", Name: "deathstar")).Single().Json["spec"]!["clusterIP"]!;

    private static InMemoryCluster WithMap(params string[] backends)
    {
        var c = StarWarsLab.Create();
        c.Services.Add(new ServiceModel(7, $"{ClusterIp(c)}:80/TCP", "ClusterIP", backends.Select(b => $"{b}/TCP (active)").ToList()));
        return c;
    }

    private static Task<CheckResult> RunAsync(ServiceCheck check, InMemoryCluster c) =>
        ServiceCheckEvaluator.EvaluateAsync(check, Context(c), CancellationToken.None);

    [Fact]
    public async Task Backends_equal_to_the_ready_deathstar_replicas_pass_with_the_map_rows_as_evidence()
    {
        var r = await RunAsync(Check(), WithMap("10.0.0.147:80", "10.0.0.148:80"));
        Assert.Equal(CheckOutcome.Passed, r.Outcome);
        Assert.Contains("has 2 backend(s) (10.0.0.147:80, 10.0.0.148:80)", r.Observed);
        Assert.Contains(r.Evidence, l => l.StartsWith("7 ", StringComparison.Ordinal) && l.EndsWith("1 => 10.0.0.147:80/TCP (active)", StringComparison.Ordinal));
        Assert.Contains(r.Evidence, l => l.TrimStart().StartsWith("2 => 10.0.0.148:80/TCP", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_replica_fails_naming_the_ready_pods_the_map_lacks()
    {
        var r = await RunAsync(Check(), WithMap("10.0.0.147:80"));
        Assert.Equal(CheckOutcome.Failed, r.Outcome);
        Assert.Contains("has 1 backend(s) (10.0.0.147:80), but the Ready pods it selects are 10.0.0.147:80, 10.0.0.148:80", r.Observed);
        Assert.NotNull(r.Hint);
    }

    [Fact]
    public async Task A_pod_that_is_not_ready_is_not_expected_as_a_backend()
    {
        var c = WithMap("10.0.0.147:80");
        c.SetPodStatus(StarWarsLab.Deathstar2, "10.0.0.148", running: false);
        Assert.Equal(CheckOutcome.Passed, (await RunAsync(Check(), c)).Outcome);
    }

    [Theory]
    [InlineData(2, CheckOutcome.Passed)]
    [InlineData(3, CheckOutcome.Failed)]
    [InlineData(0, CheckOutcome.Failed)]
    public async Task A_count_compares_the_number_of_backends(int count, CheckOutcome outcome)
    {
        var r = await RunAsync(Check(backends: count), WithMap("10.0.0.147:80", "10.0.0.148:80"));
        Assert.Equal(outcome, r.Outcome);
    }

    [Fact]
    public async Task No_map_entry_for_the_frontend_fails_and_names_it()
    {
        var c = StarWarsLab.Create();
        var r = await RunAsync(Check(), c);
        Assert.Equal(CheckOutcome.Failed, r.Outcome);
        Assert.Contains($"no service map entry has frontend {ClusterIp(c)}:80/TCP", r.Observed);
    }

    [Fact]
    public async Task A_missing_service_or_port_fails_saying_which()
    {
        var c = WithMap("10.0.0.147:80");
        Assert.Contains("there is no Service default/death-star", (await RunAsync(Check(service: "death-star"), c)).Observed);
        Assert.Contains("has no port 8080", (await RunAsync(Check(port: 8080), c)).Observed);
    }

    [Fact]
    public async Task The_general_evaluator_dispatches_service_checks()
    {
        var r = await new CheckEvaluator().EvaluateAsync(Check(backends: 1), Context(WithMap("10.0.0.147:80")), CancellationToken.None);
        Assert.Equal(CheckOutcome.Passed, r.Outcome);
    }
}
