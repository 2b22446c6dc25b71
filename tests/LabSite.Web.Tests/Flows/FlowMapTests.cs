using System.Runtime.CompilerServices;
using Bunit;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Testing;
using LabSite.Web.Flows.Components;
using LabSite.Web.Terminal;
using LabSite.Web.Tests.Interactive;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;

namespace LabSite.Web.Tests.Flows;

public sealed class FlowMapTests : PlayerTestContext
{
    private readonly SwitchLocator _locator = new();

    public FlowMapTests() => Services.AddSingleton<ILabClusterLocator>(_locator);

    private IRenderedComponent<FlowMap> Render(int capacity = 500) => Render<FlowMap>(p => p
        .Add(c => c.LabId, "starwars").Add(c => c.Learner, PlayerTestContext.Learner).Add(c => c.Capacity, capacity));

    /// <summary>The Star Wars lab after rule1: the Death Star (endpoint 3, identity 258) allows only the TIE fighter (256) on 80/TCP.</summary>
    private static InMemoryCluster StarWarsAfterRule1()
    {
        var c = StarWarsObjects.Cluster();
        c.AddEndpoint(1, 256, "tiefighter", new Dictionary<string, string> { ["org"] = "empire", ["class"] = "tiefighter" }, "10.0.0.112");
        c.AddEndpoint(2, 257, "xwing", new Dictionary<string, string> { ["org"] = "alliance", ["class"] = "xwing" }, "10.0.0.30");
        c.AddEndpoint(3, 258, "deathstar-1", new Dictionary<string, string> { ["org"] = "empire", ["class"] = "deathstar" }, "10.0.0.147", ingress: "Enabled");
        c.Apply(StarWarsObjects.L3L4Policy, "sw_l3_l4_policy.yaml");
        c.PolicyMaps[3] = new PolicyMapDump(3, [new PolicyMapEntryDump(false, false, 256, 6, 80, 24), new PolicyMapEntryDump(false, true, 0, 0, 0, 0)]);
        return c;
    }

    private static FlowRecord Flow(string from, uint fromId, ushort fromEp, string fromIp, Verdict verdict, bool reply = false, Layer7? l7 = null)
    {
        var flow = new Flow
        {
            Time = Timestamp.FromDateTimeOffset(StarWarsObjects.Now),
            Verdict = verdict,
            DropReasonDesc = verdict == Verdict.DROPPED && l7 is null ? DropReason.POLICY_DENIED : DropReason.DROP_REASON_UNKNOWN,
            Type = l7 is null ? FlowType.L3_L4 : FlowType.L7,
            IP = new IP { Source = fromIp, Destination = "10.0.0.147" },
            L4 = new Layer4 { TCP = new TCP(40000, 80, null) },
            Source = new Endpoint { ID = fromEp, Identity = fromId, Namespace = "default", PodName = from },
            Destination = new Endpoint { ID = 3, Identity = 258, Namespace = "default", PodName = "deathstar-1", Workloads = [new Workload("deathstar", "Deployment")] },
            TrafficDirection = TrafficDirection.INGRESS,
            IsReply = reply,
            L7 = l7,
        };
        return new FlowRecord(flow, "fake", flow.Time);
    }

    private static FlowRecord XwingDrop() => Flow("xwing", 257, 2, "10.0.0.30", Verdict.DROPPED);

    private static FlowRecord TieLands() => Flow("tiefighter", 256, 1, "10.0.0.112", Verdict.FORWARDED);

    [Fact]
    public void Without_a_cluster_it_waits_then_follows_when_one_runs_and_draws_a_drop_live()
    {
        var cut = Render();
        cut.WaitForAssertion(() => Assert.Equal("waiting", cut.Find(".flowmap").GetAttribute("data-state")));
        Assert.Contains("No cluster is running for this lab yet", cut.Find(".flowmap__status").TextContent);
        Assert.Empty(cut.FindAll(".flowmap__svg"));

        var cluster = StarWarsAfterRule1();
        _locator.Cluster = cluster;
        Clock.Advance(FlowMap.RetryInterval);
        cut.WaitForAssertion(() => Assert.Contains("No flows yet", cut.Find(".flowmap__status").TextContent));
        Assert.Equal(1, cluster.Flows.Subscribers);

        cluster.Flows.Write(TieLands());
        cluster.Flows.Write(XwingDrop());
        cluster.Flows.Write(XwingDrop());

        cut.WaitForAssertion(() => Assert.Equal("2", cut.Find("[data-edge='default/xwing>default/deathstar>Dropped'] text").TextContent));
        Assert.Equal("1", cut.Find("[data-edge='default/tiefighter>default/deathstar>Forwarded'] text").TextContent);
        Assert.Contains("flowmap__edge--dropped", cut.Find("[data-edge='default/xwing>default/deathstar>Dropped']").ClassName);
        // Workloads are nodes: the Death Star's replicas are one node, labelled by identity, in the namespace's column.
        var deathstar = cut.Find("[data-node='default/deathstar']");
        Assert.Contains("identity 258", deathstar.TextContent);
        Assert.Equal(["default"], cut.FindAll(".flowmap__column").Select(c => c.TextContent));
        Assert.Equal(3, cut.FindAll(".flowmap__table tbody tr").Count);
    }

    [Fact]
    public void A_dropped_row_opens_the_explanation_naming_the_missing_allow_and_keyboard_works()
    {
        var cluster = StarWarsAfterRule1();
        _locator.Cluster = cluster;
        cluster.Flows.Write(TieLands());
        var cut = Render();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll(".flowmap__table tbody tr")));

        // A forwarded row is not focusable and explains nothing.
        Assert.Null(cut.Find(".flowmap__row").GetAttribute("tabindex"));
        cut.Find(".flowmap__row").Click();
        Assert.Empty(cut.FindAll(".flowmap__explain"));

        cluster.Flows.Write(XwingDrop());
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll(".flowmap__table tbody tr").Count));
        var drop = cut.Find(".flowmap__row--dropped");
        Assert.Equal("0", drop.GetAttribute("tabindex"));
        drop.KeyDown(new KeyboardEventArgs { Key = "Enter" });

        cut.WaitForAssertion(() => Assert.Equal(
            "add to rule1's ingress fromEndpoints a selector matching org=alliance,class=xwing on TCP/80", cut.Find(".flowmap__fix").TextContent));
        Assert.Contains("no entry in its policy map allows default/xwing (identity 257) on TCP/80", cut.Find(".flowmap__explain-summary").TextContent);
        Assert.Contains("CiliumNetworkPolicy default/rule1", cut.Find(".flowmap__explain").TextContent);

        cut.Find(".flowmap__explain button").Click();
        Assert.Empty(cut.FindAll(".flowmap__explain"));
    }

    [Fact]
    public void Nodes_and_edges_filter_the_table_by_click_and_by_Enter_and_Hubble_filters_apply()
    {
        var cluster = StarWarsAfterRule1();
        _locator.Cluster = cluster;
        cluster.Flows.Write(TieLands());
        cluster.Flows.Write(TieLands() with { Flow = new Flow { Verdict = Verdict.FORWARDED, IsReply = true, Source = TieLands().Flow.Destination, Destination = TieLands().Flow.Source, L4 = new Layer4 { TCP = new TCP(80, 40000, null) } } });
        cluster.Flows.Write(XwingDrop());
        var cut = Render();
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll(".flowmap__table tbody tr").Count));
        // The reply draws no edge of its own.
        Assert.Equal(2, cut.FindAll(".flowmap__edge").Count);

        cut.Find("[data-edge='default/xwing>default/deathstar>Dropped']").KeyDown(new KeyboardEventArgs { Key = "Enter" });
        Assert.Equal("true", cut.Find("[data-edge='default/xwing>default/deathstar>Dropped']").GetAttribute("aria-pressed"));
        Assert.Single(cut.FindAll(".flowmap__table tbody tr"));

        cut.Find("[data-node='default/tiefighter']").Click();
        Assert.Equal(2, cut.FindAll(".flowmap__table tbody tr").Count);
        cut.Find(".flowmap__filters button").Click();
        Assert.Equal(3, cut.FindAll(".flowmap__table tbody tr").Count);

        cut.Find("select[name=verdict]").Change("DROPPED");
        Assert.Single(cut.FindAll(".flowmap__table tbody tr"));
        Assert.Equal("hubble observe --verdict DROPPED", cut.Find(".flowmap__command").TextContent);
        cut.Find("select[name=verdict]").Change("");
        cut.Find("input[name=pod]").Change("tiefighter");
        Assert.Equal(2, cut.FindAll(".flowmap__table tbody tr").Count);
        cut.Find("input[name=http]").Change(true);
        Assert.Empty(cut.FindAll(".flowmap__table tbody tr"));
        Assert.Contains("No flow matches these filters", cut.Markup);
    }

    [Fact]
    public void Hostile_filter_values_are_refused_with_a_message_naming_the_flag()
    {
        var cluster = StarWarsAfterRule1();
        _locator.Cluster = cluster;
        cluster.Flows.Write(XwingDrop());
        var cut = Render();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll(".flowmap__table tbody tr")));

        cut.Find("input[name=port]").Change("80; rm -rf /");
        Assert.Contains("Filter not applied", cut.Find(".flowmap__error").TextContent);
        Assert.Contains("port", cut.Find(".flowmap__error").TextContent);
        // The bad filter is not applied: the table still shows the flow rather than nothing.
        Assert.Single(cut.FindAll(".flowmap__table tbody tr"));
        cut.Find("select[name=verdict]").Change("<script>");
        Assert.Contains("Filter not applied", cut.Find(".flowmap__error").TextContent);
        Assert.Empty(cut.FindAll("script"));
    }

    [Fact]
    public void Memory_is_bounded_per_circuit_and_old_nodes_are_forgotten()
    {
        var cluster = StarWarsAfterRule1();
        _locator.Cluster = cluster;
        var cut = Render(capacity: 2);
        cut.WaitForAssertion(() => Assert.Equal(1, cluster.Flows.Subscribers));
        cluster.Flows.Write(XwingDrop());
        cluster.Flows.Write(TieLands());
        cluster.Flows.Write(TieLands());

        cut.WaitForAssertion(() => Assert.Contains("3 flow(s) seen, the newest 2 kept", cut.Find(".flowmap__status").TextContent));
        Assert.Equal(2, cut.FindAll(".flowmap__table tbody tr").Count);
        Assert.Empty(cut.FindAll("[data-node='default/xwing']"));
        Assert.Equal("2", cut.Find("[data-edge='default/tiefighter>default/deathstar>Forwarded'] text").TextContent);
    }

    [Fact]
    public async Task Disposing_the_circuit_ends_the_follow()
    {
        var cluster = StarWarsAfterRule1();
        _locator.Cluster = cluster;
        var cut = Render();
        cut.WaitForAssertion(() => Assert.Equal(1, cluster.Flows.Subscribers));

        await DisposeComponentsAsync();

        // The follow ends on its own task once cancelled; wait for the ring to see its subscriber leave.
        Assert.True(SpinWait.SpinUntil(() => cluster.Flows.Subscribers == 0, TimeSpan.FromSeconds(30)), "the follow outlived the circuit");
    }

    [Fact]
    public void A_cluster_that_goes_away_is_shown_and_followed_again_and_an_unavailable_explanation_says_why()
    {
        var gone = new VanishingCluster(XwingDrop());
        _locator.Cluster = gone;
        var cut = Render();

        cut.WaitForAssertion(() => Assert.Equal("lost", cut.Find(".flowmap").GetAttribute("data-state")));
        Assert.Contains("The flow stream stopped (lab starwars was deleted)", cut.Find(".flowmap__status").TextContent);
        // The flow it saw before stays, and asking why reports the failure instead of throwing.
        cut.Find(".flowmap__row--dropped").Click();
        cut.WaitForAssertion(() => Assert.Contains("the explanation is unavailable: the agent cannot be reached", cut.Find(".flowmap__explain-summary").TextContent));

        var cluster = StarWarsAfterRule1();
        _locator.Cluster = cluster;
        Clock.Advance(FlowMap.RetryInterval);
        cut.WaitForAssertion(() => Assert.Equal("following", cut.Find(".flowmap").GetAttribute("data-state")));
        Assert.Equal(1, gone.Follows);
        Assert.Equal(1, cluster.Flows.Subscribers);
    }

    [Fact]
    public void A_backend_without_flows_says_so()
    {
        _locator.Cluster = new InMemoryCluster().WithoutInspection();
        var cut = Render();
        cut.WaitForAssertion(() => Assert.Contains("backend offers no flows", cut.Find(".flowmap__status").TextContent));
        Assert.Equal("noflows", cut.Find(".flowmap").GetAttribute("data-state"));
    }

    /// <summary>A cluster whose flow stream yields one flow and then ends as a deleted lab's does, and whose agent is unreachable.</summary>
    private sealed class VanishingCluster(FlowRecord first) : ILabCluster, IClusterInspector
    {
        public int Follows;

        public string Name => "starwars";
        public string Backend => "fake";

        public Task<ApplyResult> ApplyAsync(ManifestText manifests, ApplyMode mode, CancellationToken ct) => throw Unreachable();
        public Task<IReadOnlyList<KubeObject>> GetAsync(ObjectQuery query, CancellationToken ct) => throw Unreachable();
        public Task<int> ExecAsync(ExecRequest request, ExecStreams streams, CancellationToken ct) => throw Unreachable();
        public Task<string> LogsAsync(string @namespace, string pod, int? tailLines, CancellationToken ct) => throw Unreachable();
        public Task<IReadOnlyList<FlowRecord>> GetFlowsAsync(FlowQuery query, CancellationToken ct) => throw Unreachable();

        public async IAsyncEnumerable<FlowEvent> FollowFlowsAsync(FlowQuery query, [EnumeratorCancellation] CancellationToken ct)
        {
            Follows++;
            await Task.Yield();
            yield return new FlowEvent(first, null);
            throw new ClusterException("lab starwars was deleted");
        }

        public Task<IReadOnlyList<EndpointModel>> GetEndpointsAsync(CancellationToken ct) => throw Unreachable();
        public Task<IReadOnlyList<IdentityModel>> GetIdentitiesAsync(CancellationToken ct) => throw Unreachable();
        public Task<PolicyMapDump?> GetPolicyMapAsync(ushort endpointId, CancellationToken ct) => throw Unreachable();
        public Task<IReadOnlyList<ConntrackEntry>> GetConntrackAsync(CancellationToken ct) => throw Unreachable();
        public Task<IReadOnlyList<IpcacheEntry>> GetIpcacheAsync(CancellationToken ct) => throw Unreachable();
        public Task<IReadOnlyList<ServiceModel>> GetServicesAsync(CancellationToken ct) => throw Unreachable();

        private static ClusterException Unreachable() => new("the agent cannot be reached");
    }
}
