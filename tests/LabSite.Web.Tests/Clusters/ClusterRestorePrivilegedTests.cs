using System.Diagnostics;
using System.Net;
using LabSite.Agent.Client;
using LabSite.Agent.Server;
using LabSite.Clusters.Contract;
using LabSite.Testing;
using LabSite.Web.Clusters;
using LabSite.Web.Labs;
using LabSite.Web.Learners;
using LabSite.Web.Solutions;
using LabSite.Web.Terminal;
using LabSite.Web.Tests.Exams;
using LabSite.Web.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace LabSite.Web.Tests.Clusters;

/// <summary>
/// The Star Wars lab on the real netns datapath, through the site: a learner completes steps 1–2, their cluster
/// expires (manual clock) and later vanishes behind the site's back (deleted through the agent, as after an agent
/// restart); each time the next terminal connect or Check creates it again, the Death Star and the ships are back,
/// step 2's checks pass again, and the terminal and the player say what was replayed. Root only; own name prefix and roots.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class ClusterRestorePrivilegedTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _prefix = "r" + Guid.NewGuid().ToString("N")[..6];
    // Hours behind the real time, so that moving it forward past the idle timeout keeps it before the flows the kernel stamps.
    private readonly ManualTimeProvider _clock = new(DateTimeOffset.UtcNow - TimeSpan.FromHours(8));
    private readonly string _dir = Directory.CreateTempSubdirectory("labsite-restore-agent-").FullName;
    private WebApplication _host = null!;
    private AgentClient _client = null!;
    private BackendRouter _agent = null!;
    private TestSite _site = null!;

    public async Task InitializeAsync()
    {
        // A real agent on the netns backend, reached through its socket as the site reaches it: replayed kubectl lines
        // are the real kubectl, run in the lab.
        _host = AgentFixture.NetnsAgent(Path.Combine(_dir, "agent.sock"), _prefix);
        await _host.StartAsync();
        _client = new AgentClient(Path.Combine(_dir, "agent.sock"));
        _agent = new BackendRouter([_client]);
        var content = RepositoryPaths.Content;
        _site = await TestSite.StartWithContentAsync(content, s =>
        {
            s.AddSingleton(_agent);
            s.AddSingleton<TimeProvider>(_clock);
            // The test sweeps by hand; the background sweep must not run in between on the moved clock.
            s.Configure<LabClusterOptions>(o => o.SweepInterval = TimeSpan.FromDays(1));
        });
    }

    public async Task DisposeAsync()
    {
        await _site.DisposeAsync();
        foreach (var cluster in await _client.ListAsync(default))
        {
            await _client.DestroyAsync(cluster.Name, default);
        }
        _client.Dispose();
        await _host.StopAsync();
        await _host.DisposeAsync();
        AgentFixture.DeleteNetnsRoots(_prefix);
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task An_expired_or_vanished_cluster_comes_back_with_the_completed_steps_replayed()
    {
        var lab = _site.Services.GetRequiredService<LabCatalogSource>().Current.Find("starwars")!;
        var browser = _site.NewBrowser();
        var token = TestSite.Browser.AntiforgeryToken(await browser.GetPageAsync("/labs/starwars/steps/deploy"));
        var learner = LearnerId.TryParse(browser.CookieHeader.Split("labsite-learner=")[1].Split(';')[0], out var id) ? id : throw new InvalidOperationException(browser.CookieHeader);
        var name = AgentClusterLocator.ClusterName(learner, "starwars");

        // Steps 1–2 done as the learner would: the first Check creates the (empty) cluster, the solutions run, Check completes each step.
        Assert.DoesNotContain("All passed", await CheckAsync(browser, token, "deploy"));
        using (var work = new LabWorkingCopy(lab.Directory))
        {
            var runner = new ShellSolutionRunner(work.Path);
            foreach (var block in lab.Steps.Take(2).SelectMany(s => s.Solution!.Commands))
            {
                var run = await runner.RunAsync((await _agent.FindAsync(name, default))!, block, default);
                Assert.True(run.ExitCode == 0, run.Output);
            }
        }
        Assert.Contains("All passed", await CheckAsync(browser, token, "deploy"));
        await browser.GetPageAsync("/labs/starwars/steps/land");
        Assert.Contains("All passed", await CheckAsync(browser, token, "land"));

        // Expiry: idle past the timeout on the test's clock.
        _clock.Advance(TimeSpan.FromHours(4) + TimeSpan.FromMinutes(1));
        await _site.Services.GetRequiredService<ClusterExpiry>().SweepAsync(default);
        Assert.Null(await _agent.FindAsync(name, default));
        var expired = (await browser.GetPageAsync("/labs/starwars/steps/land")).QuerySelector("#cluster-notice")!;
        Assert.StartsWith("Your cluster expired at", expired.QuerySelector(".cluster-notice__text")!.TextContent.Trim());
        Assert.Equal("gone", expired.GetAttribute("data-state"));

        // The terminal connect restores it and says so before the first prompt.
        var started = Stopwatch.GetTimestamp();
        var greeting = await _site.TerminalGreetingAsync("starwars", browser.CookieHeader, TimeSpan.FromMinutes(3));
        output.WriteLine($"Terminal connect with a restore of steps 1–2: {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
        const string Replayed = "A new one was created and the solutions of steps 1–2 (deploy, land) were replayed; your own changes beyond those were not kept. Files in your lab folder were kept.";
        Assert.Contains("[Your cluster had expired. " + Replayed + "]", greeting);
        await AssertStarWarsRunsAsync(name);
        Assert.Contains("All passed", await CheckAsync(browser, token, "land"));
        var restored = (await browser.GetPageAsync("/labs/starwars/steps/land")).QuerySelector("#cluster-notice .cluster-notice__text")!;
        Assert.Equal("Your cluster had expired. " + Replayed, restored.TextContent);

        // Gone behind the site's back (an agent restart looks the same): the next Check restores it.
        Assert.True(await _agent.DestroyAsync(name, default));
        Assert.Contains("All passed", await CheckAsync(browser, token, "land"));
        await AssertStarWarsRunsAsync(name);
        var notice = await browser.GetPageAsync("/labs/starwars/steps/land");
        Assert.Equal("Your cluster was no longer running (the lab agent restarted, or the cluster was deleted). " + Replayed,
            notice.QuerySelector(".cluster-notice__text")!.TextContent);
    }

    [Fact]
    public async Task Steps_completed_out_of_order_are_replayed_in_lab_order_and_the_policy_step_passes_on_the_new_cluster()
    {
        var browser = _site.NewBrowser();
        var token = TestSite.Browser.AntiforgeryToken(await browser.GetPageAsync("/labs/starwars/steps/deploy"));
        // Marked done by the learner (the completion button), skipping the identities step; no cluster exists yet.
        foreach (var step in new[] { "l3-l4", "deploy", "land" })
        {
            Assert.Equal(HttpStatusCode.Found, (await browser.HtmxPostAsync($"/labs/starwars/steps/{step}/completion?done=true", token)).StatusCode);
        }
        await browser.GetPageAsync("/labs/starwars/steps/l3-l4");

        var started = Stopwatch.GetTimestamp();
        var checks = await CheckAsync(browser, token, "l3-l4");
        output.WriteLine($"Check with a restore of steps 1, 2 and 4: {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");

        Assert.Contains("All passed", checks);
        var notice = (await browser.GetPageAsync("/labs/starwars/steps/l3-l4")).QuerySelector(".cluster-notice__text")!.TextContent;
        Assert.Contains("the solutions of steps 1, 2 and 4 (deploy, land, l3-l4) were replayed", notice);
        Assert.Contains("Step 3 (identities) was not completed, so only the completed steps were replayed, in lab order.", notice);
    }

    private async Task AssertStarWarsRunsAsync(string name)
    {
        var cluster = await _agent.FindAsync(name, default);
        Assert.NotNull(cluster);
        var pods = await cluster.GetAsync(new ObjectQuery("pods", "default"), default);
        Assert.Equal(["deathstar", "deathstar", "tiefighter", "xwing"],
            pods.Select(p => p.Name.StartsWith("deathstar-", StringComparison.Ordinal) ? "deathstar" : p.Name).Order(StringComparer.Ordinal));
        Assert.Single(await cluster.GetAsync(new ObjectQuery("services", "default", Name: "deathstar"), default));
    }

    /// <summary>A Check as the interactive check panel runs it (the token stays to show the learner has a page open).</summary>
    private async Task<string> CheckAsync(TestSite.Browser browser, string token, string stepId)
    {
        Assert.NotEmpty(token);
        var step = _site.Services.GetRequiredService<LabSite.Web.Labs.LabCatalogSource>().Current.Find("starwars")!.FindStep(stepId)!;
        var state = await _site.Services.GetRequiredService<LabSite.Web.Checks.IStepChecker>()
            .CheckAsync(browser.Learner, "starwars", step, new Dictionary<string, string>(), background: false, default);
        return state.AllPassed ? "All passed" : string.Join("\n", state.Results.Select(r => r.ToString()));
    }
}
