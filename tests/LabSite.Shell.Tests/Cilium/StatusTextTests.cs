using System.Text.Json.Nodes;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Shell.Cilium;

namespace LabSite.Shell.Tests.Cilium;

public class StatusTextTests
{
    public static readonly AgentStatusModel Healthy = new(
        Version: "1.0.0", KernelVersion: "6.18.0-1-amd64", ClusterName: "starwars", NodeName: "labsite/starwars", Endpoints: 4,
        PolicyEnforcement: "default", Cpus: 2, MonitorPages: 256, PageSize: 4096, ProxyIp: "10.200.0.1", ProxyPort: 15080,
        ProxyRedirects: 1, MinIdentity: 256, MaxIdentity: 65535, CurrentFlows: 120, MaxFlows: 4095, SeenFlows: 120, UptimeSeconds: 60);

    [Fact]
    public void The_text_has_ciliums_lines_aligned_as_its_tabwriter_does()
    {
        Assert.Equal(
            "KVStore:                 Disabled   \n"
            + "Host firewall:           Disabled\n"
            + "Cilium:                  Ok   LabSite 1.0.0 (netns eBPF datapath, kernel 6.18.0-1-amd64, cluster starwars, node labsite/starwars, 4 endpoints, policy enforcement default)\n"
            + "NodeMonitor:             Listening for events on 2 CPUs with 256x4096 of shared memory\n"
            + "Proxy Status:            OK, ip 10.200.0.1, 1 redirects active on ports 15080-15080\n"
            + "Global Identity Range:   min 256, max 65535\n"
            + "Hubble:                  Ok         Current/Max Flows: 120/4095 (2.93%), Flows/s: 2.00\n"
            + "Encryption:              Disabled   \n"
            + "Cluster health:                     Probe disabled\n",
            StatusText.Text(Healthy));
    }

    [Fact]
    public void Brief_says_ok_or_names_the_problem()
    {
        Assert.Equal("OK\n", StatusText.Brief(Healthy));
        Assert.Contains("Ok   LabSite 1.0.0 (5f769b3a) (netns eBPF datapath", StatusText.Text(Healthy with { Version = "1.0.0+5f769b3a210fffee7d695183536e933955fe0e20" }));
        var sick = Healthy with { Problem = "CiliumNetworkPolicy default/rule1: spec.ingress[0]: bad" };
        Assert.Equal("error in cilium: CiliumNetworkPolicy default/rule1: spec.ingress[0]: bad\n", StatusText.Brief(sick));
        Assert.Contains("Cilium:                  Warning   LabSite", StatusText.Text(sick));
    }

    [Fact]
    public void Json_uses_status_response_names_with_real_values()
    {
        var json = JsonNode.Parse(StatusText.Json(Healthy))!;
        Assert.Equal("Ok", (string?)json["cilium"]!["state"]);
        Assert.Equal("Disabled", (string?)json["kvstore"]!["state"]);
        Assert.Equal(256, (int)json["nodeMonitor"]!["npages"]!);
        Assert.Equal(4095, (int)json["hubble"]!["observer"]!["max-flows"]!);
        Assert.Equal(60_000_000_000, (long)json["hubble"]!["observer"]!["uptime"]!);
        Assert.Equal("15080-15080", (string?)json["proxy"]!["port-range"]);
        Assert.Equal(4, (int)json["endpoints"]!);
        Assert.Equal("6.18.0-1-amd64", (string?)json["kernel-version"]);
    }
}
