using LabSite.Clusters.Contract.Flows;
using LabSite.Scenarios.Model;
using LabSite.Testing;

namespace LabSite.Grader.Tests.Support;

/// <summary>
/// The Star Wars demo's pods (IPs 10.1.0.1-4) and endpoints (ids 1-4) in an <see cref="InMemoryCluster"/>; identities 256
/// tiefighter, 257 xwing, 258 deathstar.
/// </summary>
public static class StarWarsLab
{
    public static readonly SourceLocation At = new("lab.md", 1, 1);

    public static readonly DateTimeOffset StepStart = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    public static Dictionary<string, string> Labels(string org, string @class) => new() { ["org"] = org, ["class"] = @class };

    public static InMemoryCluster Create()
    {
        var c = new InMemoryCluster();
        c.AddPod("tiefighter", Labels("empire", "tiefighter"), ip: "10.1.0.1");
        c.AddPod("xwing", Labels("alliance", "xwing"), ip: "10.1.0.2");
        c.AddPod("deathstar-6fb5694d48-5hmds", Labels("empire", "deathstar"), ip: "10.1.0.3");
        c.AddPod("deathstar-6fb5694d48-q7n2x", Labels("empire", "deathstar"), ip: "10.1.0.4");
        c.AddEndpoint(1, 256, "tiefighter", Labels("empire", "tiefighter"), "10.1.0.1");
        c.AddEndpoint(2, 257, "xwing", Labels("alliance", "xwing"), "10.1.0.2");
        c.AddEndpoint(3, 258, "deathstar-6fb5694d48-5hmds", Labels("empire", "deathstar"), "10.1.0.3", ingress: "Enabled");
        c.AddEndpoint(4, 258, "deathstar-6fb5694d48-q7n2x", Labels("empire", "deathstar"), "10.1.0.4", ingress: "Enabled");
        return c;
    }

    /// <summary>A flow from one pod to a deathstar replica, <paramref name="secondsAfterStart"/> after the step started.</summary>
    public static FlowRecord Flow(string from, uint fromId, Verdict verdict, int secondsAfterStart, DropReason drop = DropReason.DROP_REASON_UNKNOWN)
    {
        var time = Timestamp.FromDateTimeOffset(StepStart.AddSeconds(secondsAfterStart));
        var flow = new Flow
        {
            Time = time,
            Verdict = verdict,
            DropReasonDesc = drop,
            Type = FlowType.L3_L4,
            EventType = new CiliumEventType(verdict == Verdict.DROPPED ? MonitorEventType.Drop : MonitorEventType.Trace),
            IP = new IP { Source = "10.1.0.2", Destination = "10.1.0.3", IpVersion = IPVersion.IPv4 },
            L4 = new Layer4 { TCP = new TCP(40000, 80, new TCPFlags(SYN: true)) },
            Source = new Endpoint { ID = 2, Identity = fromId, Namespace = "default", PodName = from, Labels = [$"k8s:class={from}"] },
            Destination = new Endpoint { ID = 3, Identity = 258, Namespace = "default", PodName = "deathstar-6fb5694d48-5hmds", Labels = ["k8s:class=deathstar", "k8s:org=empire"] },
            TrafficDirection = TrafficDirection.INGRESS,
            IsReply = false,
            NodeName = "fake",
        };
        return new FlowRecord(flow, "fake", time);
    }
}
