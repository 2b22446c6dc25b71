using LabSite.Agent.Client;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.EndToEnd.Tests.Support;
using LabSite.TerminalBench;
using LabSite.Web.Learners;
using LabSite.Web.Terminal;

namespace LabSite.SiteBench;

/// <summary>
/// Flow-map update latency. A learner's hello-lab player in Debian's Chromium with the Flows tab open; the bench sends
/// one HTTP request from the client pod to web (exec through the agent, as kubectl exec does) per sample and times, from
/// the first client→web packet's own flow time: (1) the map, when a MutationObserver in the page sees the client's edge
/// count grow (Date.now(), same host clock), and (2) the baseline, the same flow read by a contract follower in this
/// process (IClusterInspector.FollowFlowsAsync over the agent socket, what `hubble observe --follow` reads).
/// </summary>
public static class FlowMapLatency
{
    private const string Observer = """
        () => {
          window.__flowStamps = [];
          const sum = () => [...document.querySelectorAll("#flowmap-view .flowmap__edge[data-edge^='default/client>'] text")]
            .reduce((n, t) => n + Number(t.textContent), 0);
          let last = sum();
          new MutationObserver(() => {
            const now = sum();
            if (now !== last) { last = now; window.__flowStamps.push(performance.timeOrigin + performance.now()); }
          }).observe(document.getElementById('flowmap-view'), { subtree: true, childList: true, characterData: true });
        }
        """;

    public static async Task RunAsync(LabSiteProcess site, int samples, CancellationToken ct)
    {
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.Context.NewPageAsync();
        await HelloLabSession.OpenAsync(page, site);
        await HelloLabSession.DeployAndCallAsync(page);
        await HelloLabSession.OpenFlowsAsync(page);

        var cookie = (await chromium.Context.CookiesAsync()).First(c => c.Name == LearnerCookie.Name).Value;
        LearnerId.TryParse(cookie, out var learner);
        var agent = new AgentClient(Path.Combine(site.DataDirectory, "agent.sock"));
        var cluster = await agent.FindAsync(AgentClusterLocator.ClusterName(learner, "hello-lab"), ct)
            ?? throw new InvalidOperationException("the learner's hello-lab cluster is not running");
        var inspector = (IClusterInspector)cluster;

        // Baseline: every client→web flow as the contract delivers it, with its arrival time.
        var seen = new List<(double PacketMs, double ArrivedMs)>();
        using var follow = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var query = new FlowQuery(new FlowFilterBuilder().Add("from-pod", "default/client").Add("to-pod", "default/web").Build(), Last: 0);
        var follower = Task.Run(async () =>
        {
            await foreach (var e in inspector.FollowFlowsAsync(query, follow.Token))
            {
                var arrived = NowMs();
                if (e.Record is { } r)
                {
                    lock (seen)
                    {
                        seen.Add(((r.FlowTime.ToDateTimeOffset() - DateTimeOffset.UnixEpoch).TotalMilliseconds, arrived));
                    }
                }
            }
        }, follow.Token);
        await page.EvaluateAsync(Observer);

        var map = new Latencies();
        var contract = new Latencies();
        var request = new ExecRequest("default", "client", ["curl", "-s", "-o", "/dev/null", "http://web.default.svc.cluster.local/"], TimeSpan.FromSeconds(10));
        for (var i = -3; i < samples; i++)
        {
            lock (seen)
            {
                seen.Clear();
            }
            await page.EvaluateAsync("() => window.__flowStamps.length = 0");
            var sent = NowMs();
            await cluster.ExecAsync(request, new ExecStreams(Stream.Null, Stream.Null), ct);
            (double PacketMs, double ArrivedMs) first = default;
            double[] stamps = [];
            for (var wait = 0; wait < 200; wait++)
            {
                lock (seen)
                {
                    first = seen.FirstOrDefault();
                }
                stamps = await page.EvaluateAsync<double[]>("() => window.__flowStamps");
                if (first.PacketMs > 0 && stamps.Length > 0)
                {
                    break;
                }
                await Task.Delay(25, ct);
            }
            if (first.PacketMs == 0 || stamps.Length == 0)
            {
                Console.WriteLine($"sample {i}: no flow seen (contract {first.PacketMs > 0}, map {stamps.Length > 0})");
                continue;
            }
            if (i >= 0)
            {
                map.Add(TimeSpan.FromMilliseconds(stamps[0] - first.PacketMs));
                contract.Add(TimeSpan.FromMilliseconds(first.ArrivedMs - first.PacketMs));
            }
            if (i < 2)
            {
                Console.WriteLine(FormattableString.Invariant($"sample {i}: request sent +0, packet {first.PacketMs - sent:0.0} ms, contract {first.ArrivedMs - sent:0.0} ms, map {stamps[0] - sent:0.0} ms"));
            }
            await Task.Delay(300, ct);
        }
        await follow.CancelAsync();
        try
        {
            await follower;
        }
        catch (OperationCanceledException)
        {
        }

        Console.WriteLine($"flow map (packet -> edge count in Chromium): {map}");
        Console.WriteLine($"baseline (packet -> contract follower):    {contract}");
        Console.WriteLine(FormattableString.Invariant($"ratio map / baseline: p50 {map.Percentile(0.5) / contract.Percentile(0.5):0.0}x, p95 {map.Percentile(0.95) / contract.Percentile(0.95):0.0}x"));
    }

    private static double NowMs() => (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;
}
