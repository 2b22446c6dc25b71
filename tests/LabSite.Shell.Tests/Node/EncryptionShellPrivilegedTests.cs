using LabSite.Shell.Tests.Support;
using LabSite.Testing;

namespace LabSite.Shell.Tests.Node;

/// <summary>
/// The lab shell against a real two-node lab behind a real agent: the Secret created with the real kubectl turns on
/// IPsec, <c>cilium-dbg encrypt status</c> prints Cilium's lines, <c>node tcpdump</c> shows ESP on the underlay while a
/// pod talks, and hostile capture arguments are refused before anything runs.
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

        var capture = await _lab.RunAsync("node tcpdump pod/server -n -c 4 esp --while client -- curl -s http://server/");
        Assert.True(capture.Status == 0, capture.Err);
        Assert.Contains("ESP(spi=0x00000003", capture.Out);
        Assert.StartsWith("tcpdump: listening on eth0 of node encsh-worker\n", capture.Err);

        var status = await _lab.RunAsync("cilium-dbg encrypt status");
        Assert.Equal(0, status.Status);
        var lines = status.Out.Split('\n');
        Assert.Equal("Encryption: " + "IPsec".PadRight(26), lines[0]);
        Assert.Equal("Decryption interface(s): eth0", lines[1]);
        Assert.Equal("Keys in use: " + "1".PadRight(26), lines[2]);
        Assert.Matches("^Max Seq. Number: 0x[0-9a-f]+/0xffffffff$", lines[3]);
        Assert.Equal("Errors: " + "0".PadRight(26), lines[4]);
        var json = await _lab.RunAsync("cilium-dbg encrypt status -o json --node encsh-worker");
        Assert.Contains("\"mode\": \"IPsec\"", json.Out);
        Assert.Contains("\"keys-in-use\": 1", json.Out);
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

    [Fact]
    public async Task A_huge_filter_expression_is_refused()
    {
        var (status, _, err) = await _lab.RunAsync("node tcpdump pod/server " + string.Join(" or ", Enumerable.Repeat("port 80", 60)));
        Assert.Equal(1, status);
        Assert.Contains("at most 256", err);
    }
}
