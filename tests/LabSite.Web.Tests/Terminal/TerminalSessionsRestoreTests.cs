using LabSite.Agent.Server;
using LabSite.Testing;
using LabSite.Web.Clusters;
using LabSite.Web.Learners;
using LabSite.Web.Terminal;
using LabSite.Web.Tests.Support;
using LabSite.Web.Workspace;

namespace LabSite.Web.Tests.Terminal;

/// <summary>A terminal never keeps a shell on a cluster that is gone: reconnecting brings the cluster back and starts a new shell on it.</summary>
public sealed class TerminalSessionsRestoreTests : IDisposable
{
    private static readonly LearnerId s_learner = new(Guid.Parse("0123456789abcdef0123456789abcdef"));
    private const string Name = "l01234567-policy-basics";

    private readonly InMemoryClusterBackend _backend = new();
    private readonly AgentClusterLocator _locator;
    private readonly TerminalSessions _terminals;
    private readonly string _data = Directory.CreateTempSubdirectory("labsite-term-restore-").FullName;

    public TerminalSessionsRestoreTests()
    {
        _locator = new AgentClusterLocator(new BackendRouter([_backend]), new ClusterActivity(TimeProvider.System));
        _terminals = new TerminalSessions(new LabFolders(new SiteOptions { DataDirectory = _data }), _locator, new ClusterNotices(), TimeProvider.System);
    }

    public void Dispose()
    {
        _terminals.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task Reconnecting_after_the_cluster_vanished_creates_it_again_and_starts_a_new_shell_on_it()
    {
        var before = await _terminals.GetOrStartAsync(s_learner, TestLabs.Policy(), TerminalTab.First, default);
        Assert.Same(before, await _terminals.GetOrStartAsync(s_learner, TestLabs.Policy(), TerminalTab.First, default));
        await _backend.DestroyAsync(Name, default);

        var after = await _terminals.GetOrStartAsync(s_learner, TestLabs.Policy(), TerminalTab.First, default);

        Assert.NotSame(before, after);
        Assert.Same(await _backend.FindAsync(Name, default), after.Shell.Session.Cluster);
        Assert.Equal(2, after.ClusterGeneration);
    }

    [Fact]
    public async Task A_cluster_a_Check_created_again_replaces_the_shell_of_a_detached_terminal_and_ends_its_other_attachment()
    {
        var before = await _terminals.GetOrStartAsync(s_learner, TestLabs.Policy(), TerminalTab.First, default);
        var otherTab = before.Attach();
        await _backend.DestroyAsync(Name, default);
        var restored = await _locator.FindAsync(s_learner, "policy-basics", default); // a Check

        var after = await _terminals.GetOrStartAsync(s_learner, TestLabs.Policy(), TerminalTab.First, default);

        Assert.Same(restored, after.Shell.Session.Cluster);
        var told = new List<string>();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var text in otherTab.ReadAllAsync(bound.Token))
        {
            told.Add(text);
        }
        Assert.Contains("[this lab's cluster was created again; reload the page for a new terminal]", string.Concat(told));
    }
}
