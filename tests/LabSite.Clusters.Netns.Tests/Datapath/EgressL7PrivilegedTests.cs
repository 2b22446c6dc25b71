using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Netns.Kernel;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.Datapath;

/// <summary>
/// Egress HTTP rules on a full netns lab: tiefighter's own egress policy makes bpf_lxc redirect its connections to
/// deathstar:80 into the lab's egress L7 listener, which forwards allowed requests and answers the rest with Envoy's
/// 403, reporting EGRESS L7 flows. Hostile bytes are written from raw sockets inside tiefighter's namespace; the
/// deathstars' access logs prove what reached them.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class EgressL7PrivilegedTests : IAsyncLifetime
{
    private const ushort EgressProxyPort = 15081;
    private readonly NetnsBackend _backend = new(NetnsTestLabs.Options());
    private NetnsCluster _cluster = null!;

    // GET under /v1/ only, from tiefighter and xwing to the deathstars.
    private const string EgressGetOnly = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: ships-egress}
        spec:
          endpointSelector:
            matchExpressions: [{key: class, operator: In, values: [tiefighter, xwing]}]
          egress:
          - toEndpoints: [{matchLabels: {org: empire, class: deathstar}}]
            toPorts:
            - ports: [{port: "80", protocol: TCP}]
              rules:
                http: [{method: GET, path: "/v1/.*"}]
        """;

    public async Task InitializeAsync()
    {
        await _backend.StartAsync(CancellationToken.None);
        _cluster = await _backend.CreateAsync(new ClusterRequest("egress-l7"), null, CancellationToken.None);
        Assert.True((await _cluster.ApplyAsync(StoreFixture.Data("http-sw-app.yaml"), ApplyMode.Create, CancellationToken.None)).Succeeded);
        await _cluster.WaitUntilSettledAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _backend.DestroyAsync(_cluster.Name, CancellationToken.None);
        NetnsTestLabs.DeleteRoots(_backend.Options);
    }

    private async Task ApplyAsync(ManifestText manifest)
    {
        var applied = await _cluster.ApplyAsync(manifest, ApplyMode.Create, CancellationToken.None);
        Assert.True(applied.Succeeded, string.Join("\n", applied.Lines));
        await _cluster.WaitUntilSettledAsync(CancellationToken.None);
        Assert.Null(_cluster.Policy!.LastError);
    }

    /// <summary>curl's body followed by the status code on its own last line.</summary>
    private async Task<(string Body, string Status)> Curl(string ship, string method, string path)
    {
        var r = await NetnsTestLabs.ExecAsync(_cluster, ship, "curl", "-s", "--connect-timeout", "2", "--max-time", "15", "-X" + method,
            "-w", "\n%{http_code}", "deathstar.default.svc.cluster.local" + path);
        var cut = r.Stdout.LastIndexOf('\n');
        return (r.Stdout[..Math.Max(cut, 0)], r.Stdout[(cut + 1)..]);
    }

    [Fact]
    public async Task Egress_rule_forwards_get_denies_others_with_403_and_reports_egress_l7_flows()
    {
        await ApplyAsync(Manifest(EgressGetOnly));

        Assert.Equal(("{ \"status\": \"ok\" }\n", "200"), await Curl("tiefighter", "GET", "/v1/healthz"));
        Assert.Equal(("Access denied\r\n", "403"), await Curl("tiefighter", "PUT", "/v1/exhaust-port"));
        Assert.Equal(("Access denied\r\n", "403"), await Curl("tiefighter", "GET", "/v2/healthz"));

        var put = await WaitForFlowAsync(
            new FlowFilterBuilder().Add("type", "l7").Add("http-method", "PUT").Build(), r => r.Flow.L7!.Type == L7FlowType.REQUEST);
        Assert.Equal(Verdict.DROPPED, put.Verdict);
        Assert.Equal(TrafficDirection.EGRESS, put.TrafficDirection);
        Assert.Equal(FlowType.L7, put.Type);
        Assert.Equal(EgressProxyPort, put.ProxyPort);
        Assert.Equal("tiefighter", put.Source!.PodName);
        Assert.StartsWith("deathstar-", put.Destination!.PodName, StringComparison.Ordinal);
        Assert.Equal("http://deathstar.default.svc.cluster.local/v1/exhaust-port", put.L7!.Http!.Url);

        var get = await WaitForFlowAsync(
            new FlowFilterBuilder().Add("type", "l7").Add("http-path", "/v1/healthz").Build(), r => r.Flow.L7!.Type == L7FlowType.RESPONSE);
        Assert.Equal(200u, get.L7!.Http!.Code);
        Assert.Equal(TrafficDirection.EGRESS, get.TrafficDirection);
        Assert.True(get.IsReply);

        var verdict = await WaitForFlowAsync(
            new FlowFilterBuilder().Add("type", "policy-verdict").Add("from-pod", "tiefighter").Build(), r => r.Flow.Verdict == Verdict.REDIRECTED);
        Assert.Equal(TrafficDirection.EGRESS, verdict.TrafficDirection);
        Assert.Equal(EgressProxyPort, verdict.ProxyPort);

        // bpf policy get on tiefighter: the egress 80/TCP rows carry the egress listener's port, as Cilium prints it.
        var tiefighter = (await _cluster.GetEndpointsAsync(CancellationToken.None)).Single(e => e.PodName == "tiefighter");
        var map = (await _cluster.GetPolicyMapAsync(tiefighter.Id, CancellationToken.None))!;
        Assert.Contains(map.Entries, e => e.Egress && e.Port == 80 && e.ProxyPort == EgressProxyPort);
        Assert.Matches(new Regex(@"^Allow\s+Egress\s+\d+\s+80/TCP\s+15081\s+disabled", RegexOptions.Multiline), map.ToText());

        Assert.DoesNotContain("exhaust-port", await DeathstarLogsAsync());
    }

    [Fact]
    public async Task Hostile_input_to_the_egress_listener_is_refused_without_leaking_a_denied_request()
    {
        await ApplyAsync(Manifest(EgressGetOnly));
        var target = new IPEndPoint(DeathstarIps()[0], 80);

        // Pipelined: an allowed GET, the denied PUT, another GET, in one write; answers come back in order.
        var pipelined = await ExchangeRawAsync(target,
            Get("/v1/healthz") + "PUT /v1/exhaust-port HTTP/1.1\r\nHost: deathstar\r\nContent-Length: 5\r\n\r\nboom!" + Get("/v1/healthz", close: true));
        Assert.Equal(new[] { "200", "403", "200" }, StatusCodes(pipelined));

        // A denied request line split across packets, with a pause in between, is judged as a whole.
        var split = await ExchangeRawAsync(target, "PU", "T /v1/exhaust-port HTTP/1.1\r\nHo", "st: deathstar\r\nConnection: close\r\n\r\n");
        Assert.Equal(new[] { "403" }, StatusCodes(split));
        var splitAllowed = await ExchangeRawAsync(target, "GE", "T /v1/healthz HTTP/1.1\r\nHost: deathstar\r\n", "Connection: close\r\n\r\n");
        Assert.Equal(new[] { "200" }, StatusCodes(splitAllowed));

        // Malformed head, huge headers, and bytes that are not HTTP at all: an error status and a close.
        Assert.Equal(new[] { "400" }, StatusCodes(await ExchangeRawAsync(target, "PUT /v1/exhaust-port HTTP/1.1\r\nHost deathstar\r\n\r\n")));
        var huge = "GET /v1/healthz HTTP/1.1\r\nHost: deathstar\r\n"
            + string.Concat(Enumerable.Range(0, 100).Select(i => $"X-Big-{i}: {new string('a', 1000)}\r\n")) + "\r\n";
        Assert.Equal(new[] { "431" }, StatusCodes(await ExchangeRawAsync(target, huge)));
        var notHttp = await ExchangeRawAsync(target, "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not http at all\r\n\r\n");
        Assert.Equal(new[] { "400" }, StatusCodes(notHttp));
        Assert.Equal(new[] { "400" }, StatusCodes(await ExchangeRawAsync(target, "PUT\0/v1/exhaust-port HTTP/1.1\r\n\r\n")));

        // The listener survived all of it, and no denied request reached a deathstar.
        Assert.Equal(("{ \"status\": \"ok\" }\n", "200"), await Curl("tiefighter", "GET", "/v1/healthz"));
        Assert.DoesNotContain("exhaust-port", await DeathstarLogsAsync());
        var dropped = await _cluster.GetFlowsAsync(new FlowQuery(
            new FlowFilterBuilder().Add("type", "l7").Add("http-method", "PUT").Build(), All: true), CancellationToken.None);
        Assert.DoesNotContain(dropped, r => r.Flow.Verdict == Verdict.FORWARDED && r.Flow.L7!.Type == L7FlowType.REQUEST);
    }

    [Fact]
    public async Task Client_egress_and_server_ingress_http_rules_both_apply_to_one_connection()
    {
        // Egress: GET /v1/.* and the landing. Ingress (Star Wars rule1 + L7): only the landing, only from the empire.
        await ApplyAsync(Manifest(EgressGetOnly.Replace(
            "http: [{method: GET, path: \"/v1/.*\"}]",
            "http: [{method: GET, path: \"/v1/.*\"}, {method: POST, path: /v1/request-landing}]", StringComparison.Ordinal)));
        await ApplyAsync(StoreFixture.Data("sw_l3_l4_l7_policy.yaml"));

        Assert.Equal(("Ship landed\n", "200"), await Curl("tiefighter", "POST", "/v1/request-landing"));
        // Allowed by tiefighter's egress rule, refused by the deathstar's ingress rule.
        Assert.Equal(("Access denied\r\n", "403"), await Curl("tiefighter", "GET", "/v1/healthz"));
        // Refused by the egress rule before the ingress rule is asked.
        Assert.Equal(("Access denied\r\n", "403"), await Curl("tiefighter", "PUT", "/v1/exhaust-port"));

        var healthz = await _cluster.WaitForFlowsAsync(new FlowFilterBuilder().Add("type", "l7").Add("http-path", "/v1/healthz").Build(), 4);
        var requests = healthz.Where(r => r.Flow.L7!.Type == L7FlowType.REQUEST).Select(r => r.Flow).ToList();
        Assert.Contains(requests, f => f.TrafficDirection == TrafficDirection.EGRESS && f.Verdict == Verdict.FORWARDED && f.ProxyPort == EgressProxyPort);
        Assert.Contains(requests, f => f.TrafficDirection == TrafficDirection.INGRESS && f.Verdict == Verdict.DROPPED && f.ProxyPort == 15080);
        Assert.All(healthz.Where(r => r.Flow.L7!.Type == L7FlowType.RESPONSE), r => Assert.Equal(403u, r.Flow.L7!.Http!.Code));

        var put = await _cluster.GetFlowsAsync(new FlowQuery(
            new FlowFilterBuilder().Add("type", "l7").Add("http-method", "PUT").Build(), All: true), CancellationToken.None);
        Assert.DoesNotContain(put, r => r.Flow.TrafficDirection == TrafficDirection.INGRESS);

        // xwing's egress rule allows the landing, but the deathstars' L3/L4 ingress refuses the alliance: the egress
        // listener's upstream connection is judged for xwing (its mark), not for the node it comes from.
        var (body, status) = await Curl("xwing", "POST", "/v1/request-landing");
        Assert.Equal("503", status);
        Assert.StartsWith("upstream connect error", body, StringComparison.Ordinal);
        var logs = await DeathstarLogsAsync();
        Assert.Single(Regex.Matches(logs, "POST /v1/request-landing"));
        Assert.DoesNotContain("/v1/healthz", logs);
    }

    private static ManifestText Manifest(string yaml) => new(yaml, "ships-egress.yaml");

    private static string Get(string path, bool close = false) =>
        $"GET {path} HTTP/1.1\r\nHost: deathstar\r\n{(close ? "Connection: close\r\n" : "")}\r\n";

    private static List<string> StatusCodes(string responses) =>
        Regex.Matches(responses, @"^HTTP/1\.[01] (\d{3}) ", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();

    private IPAddress[] DeathstarIps() => _cluster.Pods
        .Where(p => p.Spec.Name.StartsWith("deathstar-", StringComparison.Ordinal)).Select(p => p.Ip).ToArray();

    private async Task<string> DeathstarLogsAsync()
    {
        var all = new StringBuilder();
        foreach (var p in _cluster.Pods.Where(p => p.Spec.Name.StartsWith("deathstar-", StringComparison.Ordinal)))
        {
            all.Append(await _cluster.LogsAsync("default", p.Spec.Name, null));
        }
        return all.ToString();
    }

    /// <summary>
    /// Connects from inside tiefighter's namespace (so bpf_lxc sees the pod's own packets), writes each part as its
    /// own segment with a pause between, and reads everything until the peer closes (or 10 s pass).
    /// </summary>
    private async Task<string> ExchangeRawAsync(IPEndPoint target, params string[] parts)
    {
        var netns = LabNames.NetnsPath(_cluster.FindPod("default", "tiefighter")!.Netns);
        using var socket = await NetnsThread.RunAsync(netns, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(target, cts.Token);
        try
        {
            foreach (var part in parts)
            {
                await socket.SendAsync(Encoding.Latin1.GetBytes(part), SocketFlags.None, cts.Token);
                await Task.Delay(100, cts.Token);
            }
        }
        catch (SocketException)
        {
            // The listener refused and closed while we were still writing: its answer is already on the way.
        }

        var received = new MemoryStream();
        var buffer = new byte[16384];
        try
        {
            for (int n; (n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0;)
            {
                received.Write(buffer, 0, n);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            // A reset after a refusal, or a connection left open: what arrived so far is the answer.
        }
        return Encoding.Latin1.GetString(received.ToArray());
    }

    private async Task<Flow> WaitForFlowAsync(FlowFilterSet filter, Func<FlowRecord, bool> match)
    {
        var flows = await _cluster.WaitForFlowsAsync(filter, 1, match);
        return Assert.Single(flows.Where(match).Take(1)).Flow;
    }
}
