using System.ComponentModel.DataAnnotations;
using LabSite.Agent.Server;
using LabSite.Clusters.Contract;
using LabSite.Testing;
using LabSite.Web.Admission;
using LabSite.Web.Clusters;
using LabSite.Web.Clusters.Pool;
using LabSite.Web.Labs;
using LabSite.Web.Learners;
using LabSite.Web.Terminal;
using LabSite.Web.Tests.Exams;
using LabSite.Web.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LabSite.Web.Tests.Clusters;

/// <summary>
/// The deployment's backend (<c>LabClusterOptions__Backend</c>) against each lab's <c>backends:</c>: a lab that does not
/// declare it is refused with a message saying so, gets no pool, and takes no admission slot; labs that do are created there.
/// </summary>
public sealed class LabBackendTests
{
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero));
    private readonly InMemoryClusterBackend _backend = new();
    private readonly LabCatalogSource _catalog = new(TestLabs.Catalog());

    [Fact]
    public async Task A_lab_that_does_not_declare_the_sites_backend_is_refused_saying_why_and_holds_no_slot()
    {
        var requests = new LabClusterRequests(_catalog, "kind");
        var clients = new LearnerClients(_clock);
        var admission = new ClusterAdmission(Options.Create(new AdmissionOptions { MemoryBudgetMiB = 100, MiBPerCluster = 10 }), clients, _clock);
        var locator = new AgentClusterLocator(new BackendRouter([_backend]), new ClusterActivity(_clock), admission: admission, requests: requests);
        var learner = LearnerId.New();
        clients.Record(learner, "192.0.2.7");

        var e = await Assert.ThrowsAsync<ClusterException>(() => locator.FindAsync(learner, "policy-basics", default));

        Assert.Equal("lab \"policy-basics\" runs on netns (its backends: front matter), but this site makes learners' clusters on kind "
            + "(LabClusterOptions__Backend); pick a lab that lists kind", e.Message);
        Assert.Empty(await _backend.ListAsync(default));
        Assert.Equal((0, 0), (admission.Read().Slots, admission.Read().Running));
    }

    [Fact]
    public void Declared_and_unknown_labs_pass_and_the_default_is_the_agents_own()
    {
        Assert.Equal("netns", new LabClusterRequests(_catalog, "netns").BackendFor("policy-basics"));
        Assert.True(new LabClusterRequests(_catalog, "kind").Declares("not-in-the-catalog"));
        Assert.Null(LabClusterRequests.Plain.BackendFor("policy-basics"));
    }

    [Fact]
    public async Task The_pool_keeps_no_clusters_for_a_lab_that_does_not_declare_the_backend()
    {
        var pool = new WarmPool(_backend, Options.Create(new WarmPoolOptions { Labs = new() { ["policy-basics"] = 2 } }), _clock,
            NullLogger<WarmPool>.Instance, requests: new LabClusterRequests(_catalog, "kind"));

        Assert.Equal(0, await pool.FillAsync(default));
        Assert.Empty(await _backend.ListAsync(default));
    }

    [Theory]
    [InlineData("netns", true)]
    [InlineData("kind", true)]
    [InlineData("docker", false)]
    [InlineData("", false)]
    public void The_backend_option_takes_only_known_backends(string backend, bool valid)
    {
        var results = new List<ValidationResult>();
        var options = new LabClusterOptions { Backend = backend };

        Assert.Equal(valid, Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        Assert.All(results, r => Assert.Contains("LabClusterOptions:Backend must be one of netns, kind", r.ErrorMessage, StringComparison.Ordinal));
    }
}
