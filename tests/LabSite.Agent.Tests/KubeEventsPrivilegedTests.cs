using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace LabSite.Agent.Tests;

/// <summary>
/// Events a real netns lab records (scheduler, kubelet, controllers), read by the real kubectl: <c>describe</c>'s
/// Events section, <c>get events</c>' columns and field selectors, and a watch of events that sees a scale.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class KubeEventsPrivilegedTests(KubeApiNetnsLab lab) : IClassFixture<KubeApiNetnsLab>
{
    private static string[] Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task Describe_pod_ends_with_its_events_as_kubectl_prints_them()
    {
        var run = await lab.KubectlAsync("describe", "pod", "tiefighter");

        Assert.True(run.ExitCode == 0, run.Stderr);
        var lines = run.Stdout.TrimEnd().Split('\n');
        var events = Array.FindIndex(lines, l => l == "Events:");
        Assert.True(events > 0, run.Stdout);
        Assert.Equal(["Type", "Reason", "Age", "From", "Message"], Words(lines[events + 1]));
        var rows = lines[(events + 3)..].Select(Words).ToList();
        Assert.Equal(["Scheduled", "Pulled", "Created", "Started"], rows.Select(r => r[1]));
        Assert.Equal(["Normal", "Scheduled"], rows[0][..2]);
        Assert.Equal("default-scheduler", rows[0][3]);
        Assert.Contains($"Successfully assigned default/tiefighter to", lines[events + 3]);
        Assert.EndsWith("Started container spaceship", lines[^1]);
        Assert.All(rows[1..], r => Assert.Equal("kubelet", r[3]));
    }

    [Fact]
    public async Task Get_events_prints_kubectls_columns_and_selects_by_object()
    {
        var all = await lab.KubectlAsync("get", "events");
        var xwing = await lab.KubectlAsync("get", "events", "--field-selector", "involvedObject.name=xwing,reason=Started", "-o", "name");
        var wide = await lab.KubectlAsync("get", "ev", "-o", "wide", "--field-selector", "involvedObject.kind=Deployment");

        Assert.True(all.ExitCode == 0, all.Stderr);
        var lines = all.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], Words(lines[0]));
        Assert.Contains(lines, l => Words(l) is [_, "Normal", "Started", "pod/xwing", "Started", "container", "spaceship"]);
        Assert.Contains(lines, l => Words(l) is [_, "Normal", "SuccessfulCreate", var rs, "Created", "pod:", _] && rs.StartsWith("replicaset/deathstar-", StringComparison.Ordinal));
        Assert.True(xwing.ExitCode == 0, xwing.Stderr);
        Assert.Single(xwing.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("event/xwing.", xwing.Stdout);
        Assert.True(wide.ExitCode == 0, wide.Stderr);
        Assert.Equal(["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE", "SUBOBJECT", "SOURCE", "FIRST", "SEEN", "COUNT", "NAME"], Words(wide.Stdout.Split('\n')[0]));
        Assert.Contains("deployment-controller", wide.Stdout);
    }

    [Fact]
    public async Task A_watch_of_events_sees_a_scale_and_a_deleted_pods_killing()
    {
        var list = JsonNode.Parse((await lab.KubectlAsync("get", "--raw", "/api/v1/namespaces/default/events")).Stdout)!;
        var rv = (string)list["metadata"]!["resourceVersion"]!;
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        using var http = new HttpClient(handler);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", lab.Access.Token);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var stream = await http.GetStreamAsync($"{lab.Access.Server}/api/v1/namespaces/default/events?watch=1&resourceVersion={rv}", limit.Token);
        using var reader = new StreamReader(stream);

        var scale = await lab.KubectlAsync("scale", "deploy/deathstar", "--replicas=3");
        var delete = await lab.KubectlAsync("delete", "pod", "xwing");
        var lines = new List<JsonNode>();
        while (!lines.Any(l => (string?)l["object"]!["reason"] == "Killing") && await reader.ReadLineAsync(limit.Token) is { } line)
        {
            lines.Add(JsonNode.Parse(line)!);
        }

        Assert.True(scale.ExitCode == 0, scale.Stderr);
        Assert.True(delete.ExitCode == 0, delete.Stderr);
        Assert.All(lines, l => Assert.Equal("ADDED", (string?)l["type"]));
        var reasons = lines.Select(l => $"{l["object"]!["reason"]} {l["object"]!["message"]}").ToList();
        Assert.Contains(reasons, r => r.StartsWith("ScalingReplicaSet Scaled up replica set deathstar-", StringComparison.Ordinal) && r.EndsWith("from 2 to 3", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.StartsWith("SuccessfulCreate Created pod: deathstar-", StringComparison.Ordinal));
        Assert.Contains("Killing Stopping container spaceship", reasons);
        Assert.DoesNotContain(reasons, r => r.StartsWith("Scheduled Successfully assigned default/tiefighter", StringComparison.Ordinal));
    }
}
