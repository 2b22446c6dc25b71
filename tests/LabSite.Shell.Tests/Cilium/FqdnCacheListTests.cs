using System.Text.Json.Nodes;
using LabSite.Clusters.Contract.Inspection;
using LabSite.Shell.Tests.Support;
using LabSite.Testing;

namespace LabSite.Shell.Tests.Cilium;

/// <summary><c>cilium-dbg fqdn cache list</c> in the lab shell: Cilium's columns, its filters, and bad flags named.</summary>
public class FqdnCacheListTests
{
    private static readonly DateTimeOffset s_expires = new(2026, 12, 6, 18, 30, 5, 123, TimeSpan.Zero);

    private static (ShellHarness Shell, InMemoryCluster Cluster) Start(List<FqdnCacheEntry>? cache)
    {
        var cluster = new InMemoryCluster { FqdnCache = cache };
        return (new ShellHarness(cluster, inspection: true), cluster);
    }

    private static List<FqdnCacheEntry> TwoEndpoints() =>
    [
        new(12, "lookup", "api.example.com.", 600, s_expires, ["198.18.0.10"]),
        new(3012, "lookup", "cdn.example.net.", 30, s_expires, ["198.18.0.11", "198.18.0.12"]),
    ];

    [Fact]
    public async Task Lists_in_ciliums_columns_and_filters_by_endpoint_and_source()
    {
        var (shell, _) = Start(TwoEndpoints());
        using (shell)
        {
            var all = await shell.RunAsync("kubectl -n kube-system exec ds/cilium -- cilium-dbg fqdn cache list");
            Assert.Equal(0, all.Status);
            var lines = all.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Matches(@"^Endpoint\s+Source\s+FQDN\s+TTL\s+ExpirationTime\s+IPs\s*$", lines[0]);
            Assert.Matches(@"^12\s+lookup\s+api\.example\.com\.\s+600\s+2026-12-06T18:30:05\.123Z\s+198\.18\.0\.10\s*$", lines[1]);
            Assert.Matches(@"^3012\s+lookup\s+cdn\.example\.net\.\s+30\s+\S+\s+198\.18\.0\.11,198\.18\.0\.12\s*$", lines[2]);

            var one = await shell.RunAsync("cilium-dbg fqdn cache list -e 3012");
            Assert.Equal(2, one.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.DoesNotContain("api.example.com", one.Out, StringComparison.Ordinal);
            Assert.Single((await shell.RunAsync("cilium-dbg fqdn cache list --endpoint=12")).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1));
            Assert.Empty((await shell.RunAsync("cilium-dbg fqdn cache list -s connection")).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1));

            var json = JsonNode.Parse((await shell.RunAsync("cilium-dbg fqdn cache list -o json")).Out)!.AsArray();
            Assert.Equal(("api.example.com.", 12, 600, "2026-12-06T18:20:05.123Z"),
                ((string?)json[0]!["fqdn"], (int)json[0]!["endpoint-id"]!, (int)json[0]!["ttl"]!, (string?)json[0]!["lookup-time"]));
        }
    }

    [Theory]
    [InlineData("cilium-dbg fqdn cache list -e web", "Error: invalid endpoint id \"web\" (cilium-dbg endpoint list shows them)\n")]
    [InlineData("cilium-dbg fqdn cache list -e", "Error: invalid endpoint id \"\" (cilium-dbg endpoint list shows them)\n")]
    [InlineData("cilium-dbg fqdn cache list -s dns", "Error: invalid source \"dns\" (lookup or connection)\n")]
    [InlineData("cilium-dbg fqdn cache list --colour", "Error: unknown flag: --colour\n")]
    [InlineData("cilium-dbg fqdn cache list -p '*.example.com'", "Error: --matchpattern is not available here; filter with -e or grep\n")]
    public async Task Bad_flags_are_named(string command, string error)
    {
        var (shell, _) = Start(TwoEndpoints());
        using (shell)
        {
            Assert.Equal((1, "", error), await shell.RunAsync(command));
        }
    }

    [Fact]
    public async Task A_backend_without_a_dns_proxy_says_so()
    {
        var (shell, _) = Start(null);
        using (shell)
        {
            var r = await shell.RunAsync("cilium-dbg fqdn cache list");
            Assert.Equal((1, "not available in this cluster yet: cilium-dbg fqdn cache list (the backend keeps no FQDN cache)\n"), (r.Status, r.Err));
        }
    }
}
