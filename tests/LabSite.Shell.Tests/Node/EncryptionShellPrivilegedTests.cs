using LabSite.Shell.Tests.Support;
using LabSite.Testing;

namespace LabSite.Shell.Tests.Node;

/// <summary>
/// The lab shell against a real two-node lab behind a real agent: the Secret created with the real kubectl turns on
/// IPsec, <c>cilium-dbg encrypt status</c> prints Cilium's lines, <c>node tcpdump</c> and Cilium's own validation step
/// (<c>kubectl -n kube-system exec ds/cilium -- tcpdump -n -i cilium_vxlan esp</c>) show ESP in the tunnel while a pod
/// talks, <c>hubble observe --type trace:to-crypto</c> shows what the nodes encrypted, and hostile capture arguments
/// are refused before anything runs, in both forms.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class EncryptionShellPrivilegedTests : IAsyncLifetime
{
    private AgentLabShell _lab = null!;

    public async Task InitializeAsync()
    {
        _lab = await AgentLabShell.StartAsync("encsh", Path.Combine(RepositoryPaths.Root, "content", "labs", "transparent-encryption", "manifests"), nodes: 2);
        var (status, _, err) = await _lab.RunAsync("kubectl apply -f app.yaml && kubectl wait --for=condition=Ready pod/client pod/server --timeout=60s");
        Assert.True(status == 0, err);
    }

    public async Task DisposeAsync() => await _lab.DisposeAsync();

    [Fact]
    public async Task The_secret_from_kubectl_turns_on_ipsec_and_the_capture_shows_esp()
    {
        var before = await _lab.RunAsync("kubectl -n kube-system exec ds/cilium -- cilium-dbg encrypt status");
        Assert.Equal("Encryption: " + "Disabled".PadRight(26) + "\n", before.Out);

        var created = await _lab.RunAsync("kubectl create -n kube-system secret generic cilium-ipsec-keys --from-literal=keys=\"3+ rfc4106(gcm(aes)) 6d2b1f0c9a8e7d6c5b4a39281706f5e4d3c2b1a0 128\"");
        Assert.True(created.Status == 0, created.Err);
        Assert.Equal("secret/cilium-ipsec-keys created\n", created.Out);
        var stored = await _lab.RunAsync("kubectl -n kube-system get secret cilium-ipsec-keys -o jsonpath={.data.keys}");
        Assert.Equal(Convert.ToBase64String("3+ rfc4106(gcm(aes)) 6d2b1f0c9a8e7d6c5b4a39281706f5e4d3c2b1a0 128"u8.ToArray()), stored.Out);
        // The other kind kubectl creates as protobuf.
        Assert.Equal("configmap/settings created\n", (await _lab.RunAsync("kubectl create configmap settings --from-literal=a=b")).Out);

        var capture = await _lab.RunAsync("node tcpdump pod/server -n -c 4 -i cilium_vxlan esp --while client -- curl -s http://server/");
        Assert.True(capture.Status == 0, capture.Err);
        Assert.Contains("ESP(spi=0x00000003", capture.Out);
        Assert.StartsWith("tcpdump: listening on cilium_vxlan of node encsh-worker\n", capture.Err);

        // Cilium's guide validates from the agent pod; ds/cilium lands on the first node (the client's).
        var fromAgent = await _lab.RunAsync("kubectl -n kube-system exec ds/cilium -- tcpdump -n -c 4 -i cilium_vxlan esp --while client -- curl -s http://server/");
        Assert.True(fromAgent.Status == 0, fromAgent.Err);
        Assert.Matches(@"IP 10\.\d+\.\d+\.1 > 10\.\d+\.\d+\.1: ESP\(spi=0x00000003,seq=0x[0-9a-f]+\), length \d+", fromAgent.Out);
        Assert.DoesNotContain("HTTP", fromAgent.Out.Split("--- client")[0]);
        Assert.StartsWith("tcpdump: listening on cilium_vxlan of node encsh\n", fromAgent.Err);
        // Exec into the worker's agent pod: the capture is that node's.
        var workerAgent = await _lab.RunAsync("kubectl -n kube-system get pods -l k8s-app=cilium -o jsonpath='{.items[?(@.spec.nodeName==\"encsh-worker\")].metadata.name}'");
        Assert.StartsWith("cilium-", workerAgent.Out);
        var onWorker = await _lab.RunAsync($"kubectl -n kube-system exec {workerAgent.Out.Trim()} -- tcpdump -n -c 2 -i cilium_vxlan esp --while client -- curl -s http://server/");
        Assert.True(onWorker.Status == 0, onWorker.Err);
        Assert.StartsWith("tcpdump: listening on cilium_vxlan of node encsh-worker\n", onWorker.Err);
        Assert.Contains("ESP(spi=0x00000003", onWorker.Out);
        // The underlay carries the same ESP inside VXLAN.
        var underlay = await _lab.RunAsync("kubectl -n kube-system exec ds/cilium -- tcpdump -n -c 2 -i eth0 udp port 8472 --while client -- curl -s http://server/");
        Assert.True(underlay.Status == 0, underlay.Err);
        Assert.Contains("ESP(spi=0x00000003", underlay.Out);

        var toCrypto = "";
        for (var i = 0; i < 50 && !toCrypto.Contains("to-crypto", StringComparison.Ordinal); i++)
        {
            toCrypto = (await _lab.RunAsync("hubble observe --type trace:to-crypto --from-pod default/client --print-node-name")).Out;
            await Task.Delay(100);
        }
        // A trace point with no conntrack state: the direction is unknown, so the compact printer draws <>, as Hubble does.
        Assert.Matches(@"\[labsite/encsh\]: default/client:\d+ \(ID:\d+\) <> default/server:80 \(ID:\d+\) to-crypto FORWARDED \(TCP Flags: SYN\)", toCrypto);
        var json = await _lab.RunAsync("hubble observe --type trace:from-crypto --to-pod default/server -o json");
        Assert.Equal(0, json.Status);
        Assert.Contains("\"trace_observation_point\":\"FROM_CRYPTO\"", json.Out);
        Assert.Contains("\"node_name\":\"labsite/encsh-worker\"", json.Out);

        var status = await _lab.RunAsync("cilium-dbg encrypt status");
        Assert.Equal(0, status.Status);
        var lines = status.Out.Split('\n');
        Assert.Equal("Encryption: " + "IPsec".PadRight(26), lines[0]);
        Assert.Equal("Decryption interface(s): eth0", lines[1]);
        Assert.Equal("Keys in use: " + "1".PadRight(26), lines[2]);
        Assert.Matches("^Max Seq. Number: 0x[0-9a-f]+/0xffffffff$", lines[3]);
        Assert.Equal("Errors: " + "0".PadRight(26), lines[4]);
        var statusJson = await _lab.RunAsync("cilium-dbg encrypt status -o json --node encsh-worker");
        Assert.Contains("\"mode\": \"IPsec\"", statusJson.Out);
        Assert.Contains("\"keys-in-use\": 1", statusJson.Out);
    }

    [Theory]
    [InlineData("node tcpdump pod/server -w /etc/x", "-w is refused")]
    [InlineData("node tcpdump pod/server -z /bin/sh", "-z is refused")]
    [InlineData("node tcpdump pod/server -Z root", "-Z is refused")]
    [InlineData("node tcpdump pod/server -r /etc/shadow", "-r is refused")]
    [InlineData("node tcpdump pod/server -i lo", "interface \"lo\"")]
    [InlineData("node tcpdump pod/server -i any", "interface \"any\"")]
    [InlineData("node tcpdump pod/server -c 100000", "packet count \"100000\"")]
    [InlineData("node tcpdump pod/server --relinquish-privileges=root", "option \"--relinquish-privileges=root\"")]
    [InlineData("node tcpdump pod/server 'port 80; reboot'", "has \";\"")]
    [InlineData("node tcpdump other-lab-worker -n", "is not a node of this lab")]
    [InlineData("node tcpdump pod/nosuchpod -n", "is not a node of this lab")]
    public async Task Hostile_capture_arguments_are_refused_by_name(string line, string error)
    {
        var (status, _, err) = await _lab.RunAsync(line);
        Assert.Equal(1, status);
        Assert.Contains(error, err);
    }

    [Theory]
    [InlineData("-w /tmp/x", "-w is refused")]
    [InlineData("-nw /tmp/x", "-w is refused")]
    [InlineData("-z /bin/sh", "-z is refused")]
    [InlineData("-Z root", "-Z is refused")]
    [InlineData("-r /etc/shadow", "-r is refused")]
    [InlineData("-F /etc/shadow", "-F is refused")]
    [InlineData("-i lo", "interface \"lo\"")]
    [InlineData("-i any", "interface \"any\"")]
    [InlineData("-i ul0", "interface \"ul0\"")]
    [InlineData("-i br0", "interface \"br0\"")]
    [InlineData("-i labsite_esp", "interface \"labsite_esp\"")]
    [InlineData("-c 0", "packet count \"0\"")]
    [InlineData("--relinquish-privileges=root", "option \"--relinquish-privileges=root\"")]
    [InlineData("'port 80 `reboot`'", "has \"`\"")]
    [InlineData("'$(id)'", "has \"$\"")]
    public async Task Hostile_tcpdump_arguments_in_the_agent_pod_are_refused_by_name(string args, string error)
    {
        var (status, _, err) = await _lab.RunAsync("kubectl -n kube-system exec ds/cilium -- tcpdump " + args);
        Assert.Equal(1, status);
        Assert.Contains(error, err);
        Assert.EndsWith("command terminated with exit code 1\n", err);
    }

    [Fact]
    public async Task The_agent_pods_tcpdump_is_the_cilium_agents_only()
    {
        var (status, _, err) = await _lab.RunAsync("kubectl exec ds/tetragon -- tcpdump -n");
        Assert.Equal(126, status);
        Assert.Contains("the lab's Tetragon agent runs tetra; \"tcpdump\" is not available there", err);
        (status, _, err) = await _lab.RunAsync("kubectl -n kube-system exec ds/cilium -- tcpdumpx -n");
        Assert.Equal(126, status);
        Assert.Contains("runs cilium-dbg, hubble and tcpdump", err);
    }

    [Fact]
    public async Task A_huge_filter_expression_is_refused()
    {
        var (status, _, err) = await _lab.RunAsync("node tcpdump pod/server " + string.Join(" or ", Enumerable.Repeat("port 80", 60)));
        Assert.Equal(1, status);
        Assert.Contains("at most 256", err);
    }
}
