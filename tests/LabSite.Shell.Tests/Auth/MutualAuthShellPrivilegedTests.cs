using System.Text.RegularExpressions;
using LabSite.Shell.Tests.Support;
using LabSite.Testing;

namespace LabSite.Shell.Tests.Auth;

/// <summary>
/// The mutual-auth lab's commands typed into the lab shell against a real two-node netns lab behind a real agent:
/// the real kubectl applies the policy with <c>authentication.mode: required</c>, <c>hubble observe</c> prints the
/// AUTH_REQUIRED drop as Hubble does, <c>cilium-dbg bpf auth list</c> prints the auth map with Cilium's columns (through
/// <c>kubectl exec ds/cilium</c> too), and <c>spire-server entry delete</c> revokes the TIE fighter, whose landing then
/// fails. Bad <c>spire-server</c> input gets a clear error.
/// </summary>
[Trait("Category", "Privileged")]
public sealed partial class MutualAuthShellPrivilegedTests : IAsyncLifetime
{
    private AgentLabShell _lab = null!;

    public async Task InitializeAsync()
    {
        _lab = await AgentLabShell.StartAsync("mash", Path.Combine(RepositoryPaths.Root, "content", "labs", "mutual-auth", "manifests"), nodes: 2);
    }

    public async Task DisposeAsync() => await _lab.DisposeAsync();

    private Task<(int Status, string Out, string Err)> Run(string line) => _lab.RunAsync(line);

    [GeneratedRegex(@"^SRC IDENTITY   DST IDENTITY   REMOTE NODE ID   AUTH TYPE   EXPIRATION\s*\n(\d+)\s+(\d+)\s+(\d+)\s+spire\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000 UTC\s*\n", RegexOptions.Multiline)]
    private static partial Regex AuthTable();

    [Fact]
    public async Task TheMutualAuthLabThroughTheShell()
    {
        foreach (var line in new[] { "kubectl create -f http-sw-app.yaml", "kubectl apply -f sw_l3_l4_policy_auth.yaml" })
        {
            var applied = await Run(line);
            Assert.True(applied.Status == 0, applied.Err);
        }
        await _lab.Cluster.WaitUntilSettledAsync(CancellationToken.None);
        Assert.Equal((0, "SRC IDENTITY   DST IDENTITY   REMOTE NODE ID   AUTH TYPE   EXPIRATION\n", ""), await Run("cilium-dbg bpf auth list"));

        var landed = await Run("kubectl exec tiefighter -- curl -s --connect-timeout 8 -XPOST deathstar.default.svc.cluster.local/v1/request-landing");
        Assert.True(landed.Status == 0, landed.Err);
        Assert.Equal("Ship landed\n", landed.Out);

        var drops = await Run("hubble observe --from-pod default/tiefighter --type drop");
        Assert.Contains("Authentication required DROPPED (TCP Flags: SYN)", drops.Out, StringComparison.Ordinal);
        // Each node's agent pod lists the entries its node wrote; which node authenticated depends on where the
        // Service sent the landing, so one of the two agent pods must show the entry.
        var agents = await Run("kubectl -n kube-system get pods -l k8s-app=cilium -o name");
        Assert.True(agents.Status == 0, agents.Err);
        var pods = agents.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, pods.Length);
        var lists = new List<string>();
        foreach (var pod in pods)
        {
            var list = await Run($"kubectl -n kube-system exec {pod} -- cilium-dbg bpf auth list");
            Assert.True(list.Status == 0, list.Err);
            lists.Add(list.Out);
        }
        Assert.True(lists.Any(AuthTable().IsMatch), string.Join("\n---\n", lists));
        Assert.Contains("\"auth_type\": \"spire\"", (await Run("cilium-dbg bpf auth list -o json")).Out, StringComparison.Ordinal);

        var show = await Run("spire-server entry show -selector k8s:class=tiefighter");
        Assert.StartsWith("Found 1 entry\nEntry ID         : ", show.Out, StringComparison.Ordinal);
        Assert.Contains("SPIFFE ID        : spiffe://spiffe.cilium/identity/", show.Out, StringComparison.Ordinal);

        var deleted = await Run("spire-server entry delete -selector k8s:class=tiefighter");
        Assert.True(deleted.Status == 0, deleted.Err);
        Assert.StartsWith("Deleted entry with ID: ", deleted.Out, StringComparison.Ordinal);
        Assert.DoesNotMatch(AuthTable(), (await Run("cilium-dbg bpf auth list")).Out);
        Assert.NotEqual(0, (await Run("kubectl exec tiefighter -- curl -s --connect-timeout 3 -XPOST deathstar.default.svc.cluster.local/v1/request-landing")).Status);
        Assert.Equal("Found 0 entries\n", (await Run("spire-server entry show -selector k8s:class=tiefighter")).Out);

        Assert.Equal((1, "", "Error: no registration entry matched (already deleted? spire-server entry show lists them)\n"),
            await Run("spire-server entry delete -selector k8s:class=tiefighter"));
        Assert.Equal((1, "", "Error: \"spiffe://evil/identity/1\" is not a Cilium identity's SPIFFE ID (spiffe://spiffe.cilium/identity/ID)\n"),
            await Run("spire-server entry delete -spiffeID spiffe://evil/identity/1"));
        var unknown = await Run("spire-server entry delete -spiffeID spiffe://spiffe.cilium/identity/99999");
        Assert.Equal(1, unknown.Status);
        Assert.Contains("no SPIRE entry for identity 99999", unknown.Err, StringComparison.Ordinal);
        var flag = await Run("spire-server entry delete -parentID x");
        Assert.Equal(1, flag.Status);
        Assert.StartsWith("Error: unknown argument \"-parentID\"", flag.Err, StringComparison.Ordinal);
        Assert.Equal(1, (await Run("spire-server bundle show")).Status);

        var created = await Run("spire-server entry create -selector k8s:class=tiefighter");
        Assert.True(created.Status == 0, created.Err);
        Assert.Equal("Ship landed\n", (await Run("kubectl exec tiefighter -- curl -s --connect-timeout 8 -XPOST deathstar.default.svc.cluster.local/v1/request-landing")).Out);
    }
}
