using LabSite.Agent.Server;
using LabSite.Testing;
using LabSite.Web.Learners;
using LabSite.Web.Terminal;

namespace LabSite.Web.Tests.Terminal;

public class AgentClusterLocatorTests
{
    private static readonly LearnerId s_learner = new(Guid.Parse("0123456789abcdef0123456789abcdef"));

    [Fact]
    public async Task The_first_lookup_creates_the_learners_cluster_and_later_ones_find_it()
    {
        var backend = new InMemoryClusterBackend();
        var locator = new AgentClusterLocator(new BackendRouter([backend]));

        var first = await locator.FindAsync(s_learner, "starwars", default);
        var again = await locator.FindAsync(s_learner, "starwars", default);

        Assert.NotNull(first);
        Assert.Equal("l01234567-starwars", first.Name);
        Assert.Same(first, again);
        Assert.Single(await backend.ListAsync(default));
    }

    [Fact]
    public async Task Two_terminals_opening_together_share_one_cluster()
    {
        var backend = new InMemoryClusterBackend();
        var locator = new AgentClusterLocator(new BackendRouter([backend]));

        var both = await Task.WhenAll(locator.FindAsync(s_learner, "hello-lab", default), locator.FindAsync(s_learner, "hello-lab", default));

        Assert.Same(both[0], both[1]);
        Assert.Single(await backend.ListAsync(default));
    }

    [Theory]
    [InlineData("starwars", "l01234567-starwars")]
    [InlineData("Hello-Lab", "l01234567-hello-lab")]
    [InlineData("a-very-long-lab-identifier-that-goes-on", "l01234567-a-very-long-lab-identi")]
    [InlineData("abcdefghijklmnopqrstuv-x", "l01234567-abcdefghijklmnopqrstuv")]
    public void Cluster_names_are_short_dns_labels(string labId, string expected)
    {
        var name = AgentClusterLocator.ClusterName(s_learner, labId);
        Assert.Equal(expected, name);
        Assert.Null(BackendRouter.CheckClusterName(name));
    }
}
