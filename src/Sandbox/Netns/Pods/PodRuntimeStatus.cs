namespace LabSite.Sandbox.Netns.Pods;

using System.Net;
using System.Text.Json.Nodes;

/// <summary>
/// A pod's live status as the backend knows it, rendered in <c>kubectl get pod -o json</c>'s <c>status</c>
/// shape (phase, conditions with transition times, podIP(s), hostIP, containerStatuses).
/// </summary>
public sealed record PodRuntimeStatus(
    PodPhase Phase,
    IPAddress? PodIp,
    IPAddress HostIp,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    IReadOnlyList<ContainerState> Containers)
{
    public bool Ready => Phase == PodPhase.Running && Containers.All(c => c.Ready);

    /// <summary>READY column of kubectl get pods, e.g. "1/1".</summary>
    public string ReadyColumn => $"{Containers.Count(c => c.Ready)}/{Containers.Count}";

    /// <summary>STATUS column: the phase, or a waiting container's reason such as ErrImagePull.</summary>
    public string StatusColumn => Containers.FirstOrDefault(c => c.WaitingReason is not null)?.WaitingReason ?? Phase.ToString();

    public JsonObject ToJson()
    {
        var t0 = Time(CreatedAt);
        var started = StartedAt is { } s ? Time(s) : t0;
        var ready = Ready ? "True" : "False";
        var status = new JsonObject
        {
            ["phase"] = Phase.ToString(),
            ["conditions"] = new JsonArray(
                Condition("PodReadyToStartContainers", PodIp is null ? "False" : "True", started),
                Condition("Initialized", "True", t0),
                Condition("Ready", ready, started, Ready ? null : "ContainersNotReady"),
                Condition("ContainersReady", ready, started, Ready ? null : "ContainersNotReady"),
                Condition("PodScheduled", "True", t0)),
            ["hostIP"] = HostIp.ToString(),
            ["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = HostIp.ToString() }),
            ["startTime"] = t0,
            ["qosClass"] = "BestEffort",
            ["containerStatuses"] = new JsonArray(Containers.Select(c => (JsonNode)c.ToJson()).ToArray()),
        };
        if (PodIp is not null)
        {
            status["podIP"] = PodIp.ToString();
            status["podIPs"] = new JsonArray(new JsonObject { ["ip"] = PodIp.ToString() });
        }

        return status;
    }

    internal static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");

    private static JsonObject Condition(string type, string status, string time, string? reason = null)
    {
        var c = new JsonObject { ["type"] = type, ["status"] = status, ["lastProbeTime"] = null, ["lastTransitionTime"] = time };
        if (reason is not null)
        {
            c["reason"] = reason;
        }

        return c;
    }
}

/// <summary>One container's state: running since StartedAt, or waiting with a reason (ErrImagePull) and message.</summary>
public sealed record ContainerState(string Name, string Image, bool Ready, DateTimeOffset? StartedAt, string? WaitingReason = null, string? WaitingMessage = null)
{
    public JsonObject ToJson()
    {
        JsonObject state = WaitingReason is null
            ? new JsonObject { ["running"] = new JsonObject { ["startedAt"] = StartedAt is { } s ? PodRuntimeStatus.Time(s) : null } }
            : new JsonObject { ["waiting"] = new JsonObject { ["reason"] = WaitingReason, ["message"] = WaitingMessage } };
        return new JsonObject
        {
            ["name"] = Name,
            ["image"] = Image,
            ["imageID"] = WaitingReason is null ? Image : "",
            ["containerID"] = WaitingReason is null ? $"labsite://{Name}" : null,
            ["ready"] = Ready,
            ["started"] = WaitingReason is null,
            ["restartCount"] = 0,
            ["state"] = state,
        };
    }
}
