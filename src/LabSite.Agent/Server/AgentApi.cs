using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using LabSite.Agent.Client;
using LabSite.Agent.Server.Hubble;
using LabSite.Agent.Server.KubeApi;
using LabSite.Clusters.Contract;
using Microsoft.AspNetCore.Mvc;

namespace LabSite.Agent.Server;

/// <summary>The agent's JSON API (shapes and routes documented on <see cref="AgentProtocol"/>).</summary>
public static class AgentApi
{
    public static IEndpointRouteBuilder MapAgentApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(AgentRoutes.Root);
        api.MapGet(AgentRoutes.Version, Version).WithName("AgentVersion");
        api.MapGet(AgentRoutes.Clusters, ListClusters).WithName("ListClusters");
        api.MapPost(AgentRoutes.Clusters, CreateCluster).WithName("CreateCluster");
        api.MapGet(AgentRoutes.Cluster, GetCluster).WithName("GetCluster");
        api.MapDelete(AgentRoutes.Cluster, DestroyCluster).WithName("DestroyCluster");
        api.MapPost(AgentRoutes.Manifests, ApplyManifests).WithName("ApplyManifests");
        api.MapGet(AgentRoutes.Objects, GetObjects).WithName("GetObjects");
        api.MapPost(AgentRoutes.Exec, Exec).WithName("Exec");
        api.Map(AgentRoutes.ExecSession, AgentExecSession.RunAsync).WithName("ExecSession");
        api.MapGet(AgentRoutes.Logs, Logs).WithName("Logs");
        api.MapGet(AgentRoutes.Hubble, HubbleEndpoint).WithName("HubbleEndpoint");
        api.MapPost(AgentRoutes.Gc, CollectGarbage).WithName("CollectGarbage");
        api.MapGet(AgentRoutes.Kubernetes, KubeApiAccess.GetAsync).WithName("KubernetesAccess");
        api.MapPost(AgentRoutes.Kubectl, KubectlEndpoint.RunAsync).WithName("Kubectl");
        api.MapAgentInspectionApi();
        api.MapAgentLearnerBpfApi();
        return app;
    }

    internal static IResult Json(object value, int status = 200) => Results.Json(value, AgentProtocol.Json, statusCode: status);

    internal static IResult Error(int status, string message) => Json(new ErrorBody(message), status);

    internal static IResult NoSuchCluster(string name) => Error(404, $"cluster \"{name}\" not found");

    private static IResult Version(BackendRouter agent) =>
        Json(new AgentVersion(typeof(AgentApi).Assembly.GetName().Version?.ToString() ?? "0", agent.Backends.Select(b => b.Name).ToList(), Environment.ProcessId));

    private static async Task<IResult> ListClusters(BackendRouter agent, CancellationToken ct) => Json(await agent.ListAsync(ct));

    private static async Task<IResult> GetCluster([FromRoute(Name = "cluster")] string name, BackendRouter agent, CancellationToken ct) =>
        await agent.SummaryAsync(name, ct) is { } summary ? Json(summary) : NoSuchCluster(name);

    private static async Task<IResult> DestroyCluster([FromRoute(Name = "cluster")] string name, BackendRouter agent, HubbleServer hubble, IServiceProvider services, CancellationToken ct)
    {
        if (services.GetService<InClusterKubeApi>() is { } inCluster)
        {
            await inCluster.CloseAsync(name); // before the lab's network goes, so its socket closes with no error
        }
        var destroyed = await agent.DestroyAsync(name, ct);
        await hubble.CloseAsync(name);
        return destroyed ? Results.NoContent() : NoSuchCluster(name);
    }

    private static IResult HubbleEndpoint([FromRoute(Name = "cluster")] string name, HubbleServer hubble) =>
        hubble.Endpoint(name) is { } endpoint ? Json(endpoint) : Error(404, $"cluster \"{name}\" has no Hubble socket (no such cluster, or it is still starting)");

    private static async Task<IResult> CollectGarbage(BackendRouter agent, CancellationToken ct) => Json(await agent.CollectGarbageAsync(ct));

    /// <summary>Streams progress lines while the backend builds the cluster; the last line is done or error.</summary>
    private static async Task CreateCluster(CreateClusterBody body, BackendRouter agent, HubbleServer hubble, HttpContext http, CancellationToken ct)
    {
        if (BackendRouter.CheckClusterName(body.Name) is { } invalid)
        {
            await Error(400, invalid).ExecuteAsync(http);
            return;
        }
        IClusterBackend backend;
        try
        {
            backend = agent.Backend(body.Backend);
        }
        catch (Exception e) when (e is ArgumentException or ClusterException)
        {
            await Error(e is ArgumentException ? 400 : 503, e.Message).ExecuteAsync(http);
            return;
        }
        if (await agent.FindAsync(body.Name, ct) is not null)
        {
            await Error(409, $"cluster \"{body.Name}\" already exists").ExecuteAsync(http);
            return;
        }

        http.Response.ContentType = AgentProtocol.NdjsonContentType;
        await http.Response.StartAsync(ct);
        var writer = new NdjsonWriter(http.Response.Body);
        // Progress may be reported from any thread; a channel hands it to this request's writer in order.
        var events = Channel.CreateUnbounded<ClusterProgress>(new UnboundedChannelOptions { SingleReader = true });
        var pump = Task.Run(async () =>
        {
            await foreach (var p in events.Reader.ReadAllAsync(ct))
            {
                await writer.WriteAsync(new CreateFrame(Progress: p), ct);
            }
        }, ct);
        CreateFrame last;
        try
        {
            var progress = new SyncProgress<ClusterProgress>(p => events.Writer.TryWrite(p));
            var cluster = await backend.CreateAsync(new ClusterRequest(body.Name, body.LabId, body.ManifestsDirectory, body.OutsideHosts, body.Nodes, body.Mesh), progress, ct);
            await hubble.OpenAsync(cluster.Name, ct);
            if (http.RequestServices.GetService<InClusterKubeApi>() is { } inCluster)
            {
                await inCluster.OpenAsync(cluster.Name, ct);
            }
            var summary = await agent.SummaryAsync(cluster.Name, ct)
                ?? new ClusterSummary(cluster.Name, cluster.Backend, body.LabId, DateTimeOffset.UtcNow, 0);
            last = new CreateFrame(Done: summary);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            last = new CreateFrame(Error: e is ClusterException ? e.Message : $"create {body.Name}: {e.Message}");
        }
        events.Writer.Complete();
        await pump;
        await writer.WriteAsync(last, ct);
    }

    private static async Task<IResult> ApplyManifests([FromRoute(Name = "cluster")] string name, string? mode, ManifestBody body, BackendRouter agent, CancellationToken ct)
    {
        ApplyMode applyMode;
        switch (mode ?? "apply")
        {
            case "apply": applyMode = ApplyMode.Apply; break;
            case "create": applyMode = ApplyMode.Create; break;
            case "delete": applyMode = ApplyMode.Delete; break;
            case "replace": applyMode = ApplyMode.Replace; break;
            default: return Error(400, $"mode \"{mode}\" is not one of apply, create, delete, replace");
        }
        if (await agent.FindAsync(name, ct) is not { } cluster)
        {
            return NoSuchCluster(name);
        }
        return Json(await cluster.ApplyAsync(new ManifestText(body.Text, body.Source), applyMode, ct));
    }

    private static async Task<IResult> GetObjects([FromRoute(Name = "cluster")] string name, string kind, string? @namespace, string? selector, [FromQuery(Name = "name")] string? objectName,
        BackendRouter agent, HttpContext http, CancellationToken ct)
    {
        if (await agent.FindAsync(name, ct) is not { } cluster)
        {
            return NoSuchCluster(name);
        }
        try
        {
            var items = await cluster.GetAsync(new ObjectQuery(kind, @namespace, selector, objectName), ct);
            return Json(KubeList.Of(items));
        }
        catch (Exception e) when (e is ArgumentException or ClusterException)
        {
            return Error(400, e.Message);
        }
    }

    private static async Task<IResult> Logs([FromRoute(Name = "cluster")] string name, string ns, string pod, int? tail, BackendRouter agent, CancellationToken ct)
    {
        if (await agent.FindAsync(name, ct) is not { } cluster)
        {
            return NoSuchCluster(name);
        }
        try
        {
            return Results.Text(await cluster.LogsAsync(ns, pod, tail, ct), "text/plain; charset=utf-8");
        }
        catch (ClusterException e)
        {
            return Error(404, e.Message);
        }
    }

    /// <summary>Streams output frames while the program runs; the last frame carries its exit code (or an error).</summary>
    private static async Task Exec([FromRoute(Name = "cluster")] string name, ExecBody body, BackendRouter agent, HttpContext http, CancellationToken ct)
    {
        if (body.Command is not { Count: > 0 })
        {
            await Error(400, "exec needs a command, e.g. [\"curl\", \"-s\", \"deathstar\"]").ExecuteAsync(http);
            return;
        }
        if (body.Tty)
        {
            await Error(400, $"a TTY exec streams both ways: open {AgentRoutes.ExecSession} as a WebSocket").ExecuteAsync(http);
            return;
        }
        if (!TryDecodeStdin(body.Stdin, body.Pod, out var stdin, out var stdinError))
        {
            await stdinError.ExecuteAsync(http);
            return;
        }
        if (await agent.FindAsync(name, ct) is not { } cluster)
        {
            await NoSuchCluster(name).ExecuteAsync(http);
            return;
        }
        http.Response.ContentType = AgentProtocol.NdjsonContentType;
        await http.Response.StartAsync(ct);
        var writer = new NdjsonWriter(http.Response.Body);
        var streams = new ExecStreams(new ExecFrameStream(writer.WriteAsync, "stdout", ct), new ExecFrameStream(writer.WriteAsync, "stderr", ct), stdin);
        var timeout = body.TimeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
        ExecFrame last;
        try
        {
            var code = await cluster.ExecAsync(new ExecRequest(body.Namespace, body.Pod, body.Command, timeout, body.Container), streams, ct);
            last = new ExecFrame(Exit: code);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            last = new ExecFrame(Error: e.Message);
        }
        await writer.WriteAsync(last, ct);
    }

    /// <summary>Piped stdin of an exec (base64 in the body), bounded by <see cref="ExecLimits.MaxStdinBytes"/>; <paramref name="what"/> names the run in errors.</summary>
    internal static bool TryDecodeStdin(string? text, string what, out Stream? stdin, [NotNullWhen(false)] out IResult? error)
    {
        (stdin, error) = (null, null);
        if (text is null)
        {
            return true;
        }
        if (text.Length / 4 * 3 > ExecLimits.MaxStdinBytes + 3)
        {
            error = Error(400, ExecLimits.StdinTooLarge(what));
            return false;
        }
        var bytes = new byte[text.Length * 3 / 4 + 3];
        if (!Convert.TryFromBase64String(text, bytes, out var length))
        {
            error = Error(400, "exec: stdin is not base64");
            return false;
        }
        if (length > ExecLimits.MaxStdinBytes)
        {
            error = Error(400, ExecLimits.StdinTooLarge(what));
            return false;
        }
        stdin = new MemoryStream(bytes, 0, length);
        return true;
    }

    /// <summary>Calls back on the reporting thread (System.Progress would post to a thread-pool, out of order).</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
