using System.Globalization;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Agent.Server.KubeApi;

/// <summary>
/// <c>?watch=1</c>: one JSON event per line (ADDED, MODIFIED, DELETED, BOOKMARK). The contract has no change feed,
/// so the watch reads the lab every <see cref="s_poll"/> and reports what changed since, by resourceVersion; an
/// object created and deleted between two reads is never seen. Events start after <c>resourceVersion</c> when given
/// (what <c>kubectl get -w</c> passes after its list), else with an ADDED per existing object, as kube-apiserver does.
/// </summary>
internal sealed class KubeWatch(ILabCluster cluster, ResourceKind kind, string? ns, string? labelSelector, FieldSelector fields, string? tableIncludeObject)
{
    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan s_bookmarkEvery = TimeSpan.FromSeconds(10);

    public IResult Result() => KubeResults.Streamed(StreamAsync);

    private async Task StreamAsync(HttpContext http)
    {
        var request = http.Request.Query;
        var ct = http.RequestAborted;
        if (request["timeoutSeconds"] is [var seconds] && int.TryParse(seconds, CultureInfo.InvariantCulture, out var timeout) && timeout > 0)
        {
            var limited = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limited.CancelAfter(TimeSpan.FromSeconds(timeout));
            ct = limited.Token;
        }
        long.TryParse(request["resourceVersion"], CultureInfo.InvariantCulture, out var since);
        var bookmarks = request["allowWatchBookmarks"] is ["true" or "1"];
        http.Response.ContentType = tableIncludeObject is null ? "application/json" : KubeReads.TableMediaType;
        await http.Response.StartAsync(ct);
        // Headers go out now, as kube-apiserver sends them: a client waits for them before it reads any event.
        await http.Response.Body.FlushAsync(ct);
        var known = new Dictionary<(string?, string), KubeObject>();
        var lastBookmark = DateTimeOffset.UtcNow;
        var newest = since;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var now = (await KubeReads.ReadAsync(cluster, kind, ns, labelSelector, null, ct)).Where(fields.Matches).ToDictionary(o => (o.Namespace, o.Name));
                foreach (var (key, obj) in now)
                {
                    var rv = KubeReads.ResourceVersionOf(obj);
                    newest = Math.Max(newest, rv);
                    if (!known.TryGetValue(key, out var before))
                    {
                        if (since == 0 || rv > since)
                        {
                            await SendAsync(http, "ADDED", obj, ct);
                        }
                    }
                    else if (KubeReads.ResourceVersionOf(before) != rv)
                    {
                        await SendAsync(http, "MODIFIED", obj, ct);
                    }
                }
                foreach (var (key, gone) in known.Where(kv => !now.ContainsKey(kv.Key)))
                {
                    await SendAsync(http, "DELETED", gone, ct);
                }
                known = now;
                since = -1; // after the first read, anything not seen before is new
                if (bookmarks && DateTimeOffset.UtcNow - lastBookmark > s_bookmarkEvery)
                {
                    lastBookmark = DateTimeOffset.UtcNow;
                    await WriteAsync(http, "BOOKMARK", Bookmark(newest), ct);
                }
                await Task.Delay(s_poll, ct);
            }
        }
        catch (OperationCanceledException)
        {
            // The client hung up or timeoutSeconds passed: the stream just ends, as kube-apiserver's does.
        }
    }

    private Task SendAsync(HttpContext http, string type, KubeObject obj, CancellationToken ct) =>
        WriteAsync(http, type, tableIncludeObject is null
            ? obj.Json.DeepClone()
            : KubeTables.Table(kind, [obj], tableIncludeObject, KubeReads.ResourceVersionOf(obj).ToString(CultureInfo.InvariantCulture), DateTimeOffset.UtcNow), ct);

    private JsonObject Bookmark(long rv) => new()
    {
        ["kind"] = kind.Kind,
        ["apiVersion"] = kind.ApiVersion,
        ["metadata"] = new JsonObject { ["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture) },
    };

    private static async Task WriteAsync(HttpContext http, string type, JsonNode obj, CancellationToken ct)
    {
        await http.Response.WriteAsync(KubeResults.Line(new JsonObject { ["type"] = type, ["object"] = obj }), ct);
        await http.Response.Body.FlushAsync(ct);
    }
}
