using System.Text;
using k8s;
using LabSite.Clusters.Kind.Hubble;
using LabSite.Testing;

namespace LabSite.Clusters.Kind.Tests;

/// <summary>
/// <see cref="RelayPortForward"/> end to end against a netns lab's Kubernetes API standing in for kube-apiserver: it
/// finds the Running pod labelled <c>k8s-app=hubble-relay</c> in kube-system and opens its port 4245 over
/// KubernetesClient's WebSocket port-forward. The pod is agnhost netexec listening on 4245, not a relay: what this
/// proves is the tunnel (lookup, protocol, framing, bytes both ways), not Hubble's gRPC behind it.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class RelayPortForwardPrivilegedTests : IAsyncLifetime
{
    private const string RelayStandIn = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: hubble-relay-standin
          namespace: kube-system
          labels:
            k8s-app: hubble-relay
        spec:
          containers:
          - name: relay
            image: registry.k8s.io/e2e-test-images/agnhost:2.53
            args: ["netexec", "--http-port=4245", "--udp-port=-1"]
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("labsite-relay-pf-").FullName;
    private NetnsAgentLab _lab = null!;

    public async Task InitializeAsync()
    {
        var manifests = Directory.CreateDirectory(Path.Combine(_dir, "manifests")).FullName;
        await File.WriteAllTextAsync(Path.Combine(manifests, "relay.yaml"), RelayStandIn);
        _lab = await NetnsAgentLab.StartAsync("rp" + Guid.NewGuid().ToString("N")[..6], manifests);
    }

    public async Task DisposeAsync()
    {
        await _lab.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Connects_to_port_4245_of_the_relay_pod_and_carries_bytes_both_ways()
    {
        var kubeconfig = await _lab.WriteKubeconfigAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        await using var stream = await RelayPortForward.ConnectAsync(() => new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig)), limit.Token);
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /hostname HTTP/1.1\r\nHost: relay\r\n\r\n"), limit.Token);
        var response = new StringBuilder();
        var buffer = new byte[4096];
        int n;
        while (!response.ToString().Contains("hubble-relay-standin", StringComparison.Ordinal) && (n = await stream.ReadAsync(buffer, limit.Token)) > 0)
        {
            response.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        Assert.StartsWith("HTTP/1.1 200", response.ToString(), StringComparison.Ordinal);
        Assert.EndsWith("hubble-relay-standin", response.ToString(), StringComparison.Ordinal);
    }
}
