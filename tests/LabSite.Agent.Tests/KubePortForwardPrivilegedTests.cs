using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using k8s;

namespace LabSite.Agent.Tests;

/// <summary>
/// <c>pods/portforward</c> of a netns lab's Kubernetes API, through KubernetesClient's WebSocket port-forward and
/// StreamDemuxer (what the kind backend uses for hubble-relay) to the real deathstar pod, with the kubelet's framing;
/// and what a stranger could try: ports that are not ports, too many ports, a port only the node listens on, SPDY,
/// a pod that is not in this lab, more forwards than a lab may hold.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class KubePortForwardPrivilegedTests(KubeApiNetnsLab lab) : IClassFixture<KubeApiNetnsLab>
{
    private Kubernetes Client() => new(KubernetesClientConfiguration.BuildConfigFromConfigFile(lab.Kubeconfig));

    private async Task<string> DeathstarAsync(Kubernetes client) =>
        (await client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "class=deathstar")).Items[0].Metadata.Name;

    [Fact]
    public async Task KubernetesClient_forwards_an_http_request_to_the_deathstar()
    {
        using var client = Client();
        using var socket = await client.WebSocketNamespacedPodPortForwardAsync(await DeathstarAsync(client), "default", [80], "v4.channel.k8s.io");
        using var demux = new StreamDemuxer(socket, StreamType.PortForward);
        demux.Start();
        await using var stream = demux.GetStream((byte?)0, (byte?)0);

        await stream.WriteAsync(Encoding.ASCII.GetBytes("POST /v1/request-landing HTTP/1.1\r\nHost: deathstar\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
        var response = await ReadUntilAsync(stream, "Ship landed");

        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        Assert.Contains("Ship landed", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_only_the_node_listens_on_is_refused_on_the_error_channel()
    {
        // 443 is the lab's Kubernetes API, listening in the node's namespace: a forward connects in the pod's, and finds nothing.
        using var client = Client();
        using var socket = await ConnectAsync(await DeathstarAsync(client), 443);

        var messages = await ReceiveAllAsync(socket);

        // The kubelet's framing: each channel opens with the port (443 = 0x01BB, little-endian), then the refusal as text.
        Assert.Equal([0, 0xBB, 0x01], messages[0]);
        Assert.Equal([1, 0xBB, 0x01], messages[1]);
        Assert.Equal(3, messages.Count);
        Assert.Equal(1, messages[2][0]);
        var error = Encoding.UTF8.GetString(messages[2], 1, messages[2].Length - 1);
        Assert.StartsWith("error forwarding port 443 to pod deathstar", error, StringComparison.Ordinal);
        Assert.EndsWith("dial tcp4 127.0.0.1:443: connect: connection refused", error, StringComparison.Ordinal);
    }

    /// <summary>Every message until the server closes (then our close back).</summary>
    private static async Task<List<byte[]>> ReceiveAllAsync(ClientWebSocket socket)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var messages = new List<byte[]>();
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, limit.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", default);
                return messages;
            }
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                messages.Add(message.ToArray());
                message.SetLength(0);
            }
        }
    }

    [Theory]
    [InlineData("", "query parameter \"ports\" is required")]
    [InlineData("ports=", "query parameter \"ports\" cannot be empty")]
    [InlineData("ports=http", "unable to parse \"http\" as a port")]
    [InlineData("ports=70000", "unable to parse \"70000\" as a port")]
    [InlineData("ports=-1", "unable to parse \"-1\" as a port")]
    [InlineData("ports=0", "port \"0\" must be > 0")]
    [InlineData("ports=1,2,3,4,5", "at most 4 ports")]
    public async Task Bad_ports_are_a_BadRequest_naming_them(string query, string message)
    {
        using var client = Client();
        var (code, status) = await PlainAsync($"default/pods/{await DeathstarAsync(client)}/portforward?{query}", "SPDY/3.1");

        Assert.Equal(400, code);
        Assert.Equal("BadRequest", (string?)status["reason"]);
        Assert.Contains(message, (string?)status["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pod_of_no_such_name_here_is_NotFound_and_SPDY_is_refused_saying_so()
    {
        using var client = Client();
        var (missing, notFound) = await PlainAsync("default/pods/other-labs-pod/portforward?ports=80", "SPDY/3.1");
        var (spdy, refused) = await PlainAsync($"default/pods/{await DeathstarAsync(client)}/portforward?ports=80", "SPDY/3.1");

        Assert.Equal(404, missing);
        Assert.Equal("pods \"other-labs-pod\" not found", (string?)notFound["message"]);
        Assert.Equal(400, spdy);
        Assert.Contains("v4.channel.k8s.io only", (string?)refused["message"], StringComparison.Ordinal);
        Assert.Contains("SPDY", (string?)refused["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lab_holds_at_most_16_forwards_at_once_and_gets_a_slot_back_when_one_closes()
    {
        using var client = Client();
        var pod = await DeathstarAsync(client);
        var open = new List<ClientWebSocket>();
        try
        {
            for (var i = 0; i < 16; i++)
            {
                open.Add(await ConnectAsync(pod, 80));
            }
            var refused = await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync(pod, 80));
            Assert.Contains("429", refused.Message, StringComparison.Ordinal);

            await open[0].CloseAsync(WebSocketCloseStatus.NormalClosure, "", default);
            open[0].Dispose();
            open.RemoveAt(0);
            open.Add(await ConnectWhenFreeAsync(pod));
        }
        finally
        {
            foreach (var s in open)
            {
                s.Abort();
                s.Dispose();
            }
        }
    }

    /// <summary>A closed forward's slot is given back once the server has seen the close; that takes a moment.</summary>
    private async Task<ClientWebSocket> ConnectWhenFreeAsync(string pod)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await ConnectAsync(pod, 80);
            }
            catch (WebSocketException) when (attempt < 100)
            {
                await Task.Delay(100);
            }
        }
    }

    private async Task<ClientWebSocket> ConnectAsync(string pod, int port)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("v4.channel.k8s.io");
        socket.Options.SetRequestHeader("Authorization", $"Bearer {lab.Access.Token}");
        socket.Options.RemoteCertificateValidationCallback = (_, _, _, _) => true; // the lab's self-signed certificate
        try
        {
            await socket.ConnectAsync(new Uri($"{lab.Access.Server.Replace("https://", "wss://", StringComparison.Ordinal)}/api/v1/namespaces/default/pods/{pod}/portforward?ports={port}"), default);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task<(int Code, JsonNode Status)> PlainAsync(string path, string upgrade)
    {
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        using var http = new HttpClient(handler);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{lab.Access.Server}/api/v1/namespaces/{path}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", lab.Access.Token);
        request.Headers.TryAddWithoutValidation("X-Stream-Protocol-Version", "portforward.k8s.io");
        request.Headers.Upgrade.Add(new ProductHeaderValue(upgrade.Split('/')[0], upgrade.Split('/')[1]));
        request.Headers.Connection.Add("Upgrade");
        using var response = await http.SendAsync(request);
        return ((int)response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    /// <summary>What the stream carries until <paramref name="text"/> has come (or it ends).</summary>
    private static async Task<string> ReadUntilAsync(Stream stream, string text)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var all = new StringBuilder();
        var buffer = new byte[4096];
        int n;
        while (!all.ToString().Contains(text, StringComparison.Ordinal) && (n = await stream.ReadAsync(buffer, limit.Token)) > 0)
        {
            all.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
        return all.ToString();
    }

    private static async Task<string> ReadToEndAsync(Stream stream)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var all = new MemoryStream();
        await stream.CopyToAsync(all, limit.Token);
        return Encoding.UTF8.GetString(all.ToArray());
    }
}
