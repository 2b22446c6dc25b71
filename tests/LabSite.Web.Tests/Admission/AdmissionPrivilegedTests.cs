using System.Net;
using System.Net.WebSockets;
using System.Text;
using LabSite.Agent.Server;
using LabSite.Clusters.Netns;
using LabSite.Testing;
using LabSite.Web.Admission;
using LabSite.Web.Clusters;
using LabSite.Web.Tests.Exams;
using LabSite.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace LabSite.Web.Tests.Admission;

/// <summary>
/// Admission on the real netns backend, through the site, with a capacity of one cluster: a second learner's Check gets
/// a 503 page with their place, the lab page and their terminal show it; when the first cluster expires the second
/// learner's terminal is admitted and a real cluster starts for it; when they leave, nothing is left in the kernel's
/// backend. Root only; own name prefix and roots.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class AdmissionPrivilegedTests : IAsyncLifetime
{
    private readonly string _prefix = "a" + Guid.NewGuid().ToString("N")[..6];
    // Hours behind the real time, so that moving it forward past the idle timeout keeps it before what the kernel stamps.
    private readonly ManualTimeProvider _clock = new(DateTimeOffset.UtcNow - TimeSpan.FromHours(8));
    private NetnsBackend _backend = null!;
    private BackendRouter _agent = null!;
    private TestSite _site = null!;

    public async Task InitializeAsync()
    {
        _backend = new NetnsBackend(new NetnsOptions
        {
            NamePrefix = _prefix,
            BpffsRoot = $"/sys/fs/bpf/labsite-{_prefix}",
            CgroupRoot = $"/sys/fs/cgroup/unified/labsite-{_prefix}",
            RunDirectory = $"/run/labsite-{_prefix}",
        });
        await _backend.StartAsync(CancellationToken.None);
        _agent = new BackendRouter([_backend]);
        _site = await TestSite.StartWithContentAsync(RepositoryPaths.Content, s =>
        {
            s.AddSingleton(_agent);
            s.AddSingleton<TimeProvider>(_clock);
            s.Configure<LabClusterOptions>(o => o.SweepInterval = TimeSpan.FromDays(1));
            s.Configure<AdmissionOptions>(o => (o.MemoryBudgetMiB, o.MiBPerCluster, o.QueueTimeout) = (10, 10, TimeSpan.FromDays(1)));
        });
    }

    public async Task DisposeAsync()
    {
        await _site.DisposeAsync();
        await _backend.DisposeAsync();
        AgentFixture.DeleteNetnsRoots(_prefix);
    }

    [Fact]
    public async Task With_room_for_one_the_second_learner_waits_in_line_and_gets_a_real_cluster_when_the_first_expires()
    {
        var first = _site.NewBrowser(IPAddress.Parse("192.0.2.1"));
        var second = _site.NewBrowser(IPAddress.Parse("192.0.2.2"));
        var firstToken = TestSite.Browser.AntiforgeryToken(await first.GetPageAsync("/labs/starwars/steps/deploy"));
        var secondToken = TestSite.Browser.AntiforgeryToken(await second.GetPageAsync("/labs/starwars/steps/deploy"));

        Assert.Equal(HttpStatusCode.Found, (await CheckAsync(first, firstToken)).StatusCode);
        var firstCluster = Assert.Single(await _backend.ListAsync(default));

        var queued = await CheckAsync(second, secondToken);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, queued.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(10), queued.Headers.RetryAfter?.Delta);
        Assert.Contains("<h1>You are number 1 in line</h1>", await queued.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var notice = (await second.GetPageAsync("/labs/starwars/steps/deploy")).QuerySelector("#cluster-notice")!;
        Assert.Equal("queued", notice.GetAttribute("data-state"));
        Assert.StartsWith("You are number 1 in line", notice.QuerySelector(".cluster-notice__state")!.TextContent.Trim(), StringComparison.Ordinal);

        var client = _site.NewWebSocketClient();
        client.ConfigureRequest = request => request.Headers.Cookie = second.CookieHeader;
        using var terminal = await client.ConnectAsync(new Uri("ws://localhost/labs/starwars/terminal"), CancellationToken.None);
        Assert.Contains("you are number 1 in line", await ReadUntilAsync(terminal, "in line"), StringComparison.Ordinal);
        Assert.Single(await _backend.ListAsync(default));

        // The first learner's cluster expires: the second learner's terminal is admitted and a real cluster starts.
        _clock.Advance(TimeSpan.FromHours(4) + TimeSpan.FromMinutes(1));
        Assert.Equal([firstCluster.Name], await _site.Services.GetRequiredService<ClusterExpiry>().SweepAsync(default));
        var greeting = await ReadUntilAsync(terminal, "$ ");
        Assert.Contains("It is your turn", greeting, StringComparison.Ordinal);
        var secondCluster = Assert.Single(await _backend.ListAsync(default));
        Assert.NotEqual(firstCluster.Name, secondCluster.Name);
        Assert.Equal("ready", (await second.GetPageAsync("/labs/starwars/steps/deploy")).QuerySelector("#cluster-notice")!.GetAttribute("data-state"));

        // The second learner leaves: once their cluster expires nothing is left.
        await terminal.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        await ReadUntilAsync(terminal, "\0never");
        _clock.Advance(TimeSpan.FromHours(4) + TimeSpan.FromMinutes(1));
        Assert.Equal([secondCluster.Name], await _site.Services.GetRequiredService<ClusterExpiry>().SweepAsync(default));
        Assert.Empty(await _backend.ListAsync(default));
        var admission = _site.Services.GetRequiredService<ClusterAdmission>().Read();
        Assert.Equal((0, 0), (admission.Slots, admission.Waiting));
    }

    private static Task<HttpResponseMessage> CheckAsync(TestSite.Browser browser, string token)
    {
        var post = new HttpRequestMessage(HttpMethod.Post, "/labs/starwars/steps/deploy/check");
        post.Headers.Add(LabSite.Web.Components.AntiforgeryHeader.Name, token);
        return browser.Http.SendAsync(post);
    }

    private static async Task<string> ReadUntilAsync(WebSocket socket, string expected)
    {
        var text = new StringBuilder();
        var buffer = new byte[64 * 1024];
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(2));
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
