using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;

namespace LabSite.Clusters.Netns.Store;

/// <summary>
/// Pod <c>status</c> objects as the kubelet writes them, for the runtime to pass to
/// <see cref="ObjectStore.UpdatePodStatus"/>; <c>kubectl get pods</c> reads READY and STATUS from these.
/// </summary>
public static class PodStatus
{
    /// <summary>Every container started and ready.</summary>
    public static JsonObject Running(KubeObject pod, string podIp, string hostIp, DateTimeOffset startedAt)
    {
        var time = Format(startedAt);
        var containers = new JsonArray();
        foreach (var container in Containers(pod))
        {
            containers.Add(new JsonObject
            {
                ["containerID"] = $"labsite://{pod.Namespace}/{pod.Name}/{container.Name}",
                ["image"] = container.Image,
                ["imageID"] = container.Image,
                ["lastState"] = new JsonObject(),
                ["name"] = container.Name,
                ["ready"] = true,
                ["restartCount"] = 0,
                ["started"] = true,
                ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = time } },
            });
        }
        return new JsonObject
        {
            ["conditions"] = Conditions(time, ready: true),
            ["containerStatuses"] = containers,
            ["hostIP"] = hostIp,
            ["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = hostIp }),
            ["phase"] = "Running",
            ["podIP"] = podIp,
            ["podIPs"] = new JsonArray(new JsonObject { ["ip"] = podIp }),
            ["qosClass"] = "BestEffort",
            ["startTime"] = time,
        };
    }

    /// <summary>
    /// A container that cannot start, e.g. reason <c>ErrImagePull</c> with a message naming the built-in images;
    /// the pod keeps its IP (if any) but is not ready, so it drops out of Endpoints' ready addresses.
    /// </summary>
    public static JsonObject Waiting(KubeObject pod, string? podIp, string hostIp, DateTimeOffset since, string reason, string message)
    {
        var time = Format(since);
        var containers = new JsonArray();
        foreach (var container in Containers(pod))
        {
            containers.Add(new JsonObject
            {
                ["image"] = container.Image,
                ["imageID"] = "",
                ["lastState"] = new JsonObject(),
                ["name"] = container.Name,
                ["ready"] = false,
                ["restartCount"] = 0,
                ["started"] = false,
                ["state"] = new JsonObject { ["waiting"] = new JsonObject { ["message"] = message, ["reason"] = reason } },
            });
        }
        var status = new JsonObject
        {
            ["conditions"] = Conditions(time, ready: false),
            ["containerStatuses"] = containers,
            ["hostIP"] = hostIp,
            ["phase"] = "Pending",
        };
        if (podIp is not null)
        {
            status["podIP"] = podIp;
            status["podIPs"] = new JsonArray(new JsonObject { ["ip"] = podIp });
        }
        status["qosClass"] = "BestEffort";
        status["startTime"] = time;
        return status;
    }

    private static JsonArray Conditions(string time, bool ready)
    {
        JsonObject Condition(string type, bool ok) => new()
        {
            ["lastProbeTime"] = null,
            ["lastTransitionTime"] = time,
            ["status"] = ok ? "True" : "False",
            ["type"] = type,
        };
        return [Condition("PodReadyToStartContainers", true), Condition("Initialized", true), Condition("Ready", ready),
            Condition("ContainersReady", ready), Condition("PodScheduled", true)];
    }

    private static IEnumerable<(string Name, string Image)> Containers(KubeObject pod) =>
        (pod.Json["spec"]?["containers"] as JsonArray ?? [])
            .Select(c => ((string?)c?["name"] ?? "", (string?)c?["image"] ?? ""));

    private static string Format(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
