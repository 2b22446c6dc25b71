using LabSite.Clusters.Contract.Flows;
using LabSite.Scenarios.Model;
using LabSite.Testing;

namespace LabSite.Grader.Tests.Support;

/// <summary>
/// The Star Wars lab (<see cref="StarWarsObjects"/>: tiefighter 10.0.0.112, xwing 10.0.0.30, Death Star replicas
/// deathstar-54c4d4bdf9-fwhtv 10.0.0.147 and -h99qf 10.0.0.148) with endpoints 1-4 in that order; identities 256
/// tiefighter, 257 xwing, 258 deathstar.
/// </summary>
public static class StarWarsLab
{
    public const string Deathstar1 = "deathstar-54c4d4bdf9-fwhtv";

    public const string Deathstar2 = "deathstar-54c4d4bdf9-h99qf";

    public static readonly SourceLocation At = new("lab.md", 1, 1);

    public static readonly DateTimeOffset StepStart = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    public static Dictionary<string, string> Labels(string org, string @class) => new() { ["org"] = org, ["class"] = @class };

    public static InMemoryCluster Create()
    {
        var c = StarWarsObjects.Cluster();
        c.AddEndpoint(1, 256, "tiefighter", Labels("empire", "tiefighter"), "10.0.0.112");
        c.AddEndpoint(2, 257, "xwing", Labels("alliance", "xwing"), "10.0.0.30");
        c.AddEndpoint(3, 258, Deathstar1, Labels("empire", "deathstar"), "10.0.0.147", ingress: "Enabled");
        c.AddEndpoint(4, 258, Deathstar2, Labels("empire", "deathstar"), "10.0.0.148", ingress: "Enabled");
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
            IP = new IP { Source = "10.0.0.30", Destination = "10.0.0.147", IpVersion = IPVersion.IPv4 },
            L4 = new Layer4 { TCP = new TCP(40000, 80, new TCPFlags(SYN: true)) },
            Source = new Endpoint { ID = 2, Identity = fromId, Namespace = "default", PodName = from, Labels = [$"k8s:class={from}"] },
            Destination = new Endpoint { ID = 3, Identity = 258, Namespace = "default", PodName = Deathstar1, Labels = ["k8s:class=deathstar", "k8s:org=empire"] },
            TrafficDirection = TrafficDirection.INGRESS,
            IsReply = false,
            NodeName = "fake",
        };
        return new FlowRecord(flow, "fake", time);
    }
}
