using System.Net.WebSockets;
using System.Text;
using LabSite.Agent.Client;
using LabSite.Agent.Server;
using LabSite.Clusters.Contract;
using LabSite.Testing;
using LabSite.Web.Clusters;
using LabSite.Web.Clusters.Pool;
using LabSite.Web.Terminal;
using LabSite.Web.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace LabSite.Web.Tests.Clusters;

/// <summary>
/// The warm pool on a real agent with the netns backend, through the site: two Star Wars clusters are made ready; a
/// learner who completed step 1 opens the terminal and gets one of them (no cluster of their seat's name is created),
/// step 1's solution is replayed into it, the real kubectl in their terminal lists the Death Star, Check passes, and the
/// pool refills. Stopping the site deletes the unclaimed ones. Root only; own name prefix and roots.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class WarmPoolPrivilegedTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _prefix = "w" + Guid.NewGuid().ToString("N")[..6];
    private readonly string _dir = Directory.CreateTempSubdirectory("labsite-pool-agent-").FullName;
    private WebApplication _host = null!;
    private AgentClient _client = null!;
    private TestSite _site = null!;

    public async Task InitializeAsync()
    {
        _host = AgentFixture.NetnsAgent(Path.Combine(_dir, "agent.sock"), _prefix);
        await _host.StartAsync();
        _client = new AgentClient(Path.Combine(_dir, "agent.sock"));
        _site = await TestSite.StartWithContentAsync(RepositoryPaths.Content, s =>
        {
            s.AddSingleton(new BackendRouter([_client]));
            s.Configure<WarmPoolOptions>(o => (o.Labs["starwars"], o.RefillInterval) = (2, TimeSpan.FromHours(1)));
        });
    }

    public async Task DisposeAsync()
    {
        if (_site is not null)
        {
            await _site.DisposeAsync();
        }
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
    public async Task A_learner_gets_a_ready_pool_cluster_with_their_steps_replayed_and_a_working_terminal()
    {
        var pool = _site.Services.GetRequiredService<WarmPool>();
        await pool.FillAsync(default);
        Assert.Equal(2, pool.Read("starwars").Ready);
        var ready = (await _client.ListAsync(default)).Select(c => c.Name).ToList();
        Assert.Equal(2, ready.Count);

        var browser = _site.NewBrowser();
        var token = TestSite.Browser.AntiforgeryToken(await browser.GetPageAsync("/labs/starwars/steps/deploy"));
        Assert.Equal(System.Net.HttpStatusCode.Found, (await browser.HtmxPostAsync("/labs/starwars/steps/deploy/completion?done=true", token)).StatusCode);

        var client = _site.NewWebSocketClient();
        client.ConfigureRequest = request => request.Headers.Cookie = browser.CookieHeader;
        using var socket = await client.ConnectAsync(new Uri("ws://localhost/labs/starwars/terminal"), CancellationToken.None);
        var greeting = await ReadUntilAsync(socket, "$ ");
        Assert.Contains("the solution of step 1 (deploy) was replayed", greeting);
        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"type\":\"input\",\"data\":\"kubectl get pods -l org=empire\\r\"}"), WebSocketMessageType.Text, true, default);
        var pods = await ReadUntilAsync(socket, "tiefighter");
        output.WriteLine(pods);
        Assert.Contains("deathstar-", pods);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);

        var seat = AgentClusterLocator.ClusterName(browser.Learner, "starwars");
        var bound = _site.Services.GetRequiredService<ClusterActivity>().Find(seat)!.Actual;
        Assert.Contains(bound, ready);
        Assert.Null(await _client.FindAsync(seat, default));
        var pods2 = await (await _client.FindAsync(bound, default))!.GetAsync(new ObjectQuery("pods", "default"), default);
        Assert.Equal(4, pods2.Count);
        var step = _site.Services.GetRequiredService<LabSite.Web.Labs.LabCatalogSource>().Current.Find("starwars")!.FindStep("deploy")!;
        var checks = await _site.Services.GetRequiredService<LabSite.Web.Checks.IStepChecker>()
            .CheckAsync(browser.Learner, "starwars", step, new Dictionary<string, string>(), background: false, default);
        Assert.True(checks.AllPassed, string.Join("\n", checks.Results));

        await pool.FillAsync(default);
        Assert.Equal(2, pool.Read("starwars").Ready);
        Assert.Equal(3, (await _client.ListAsync(default)).Count);

        // The site stops: the two unclaimed clusters go; the learner's stays for expiry to judge.
        await _site.DisposeAsync();
        _site = null!;
        Assert.Equal([bound], (await _client.ListAsync(default)).Select(c => c.Name));
    }

    private static async Task<string> ReadUntilAsync(WebSocket socket, string expected)
    {
        var text = new StringBuilder();
        var buffer = new byte[64 * 1024];
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (!text.ToString().Contains(expected, StringComparison.Ordinal))
        {
            var result = await socket.ReceiveAsync(buffer, bound.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                break;
            }
            text.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
        }
        return text.ToString();
    }
}
