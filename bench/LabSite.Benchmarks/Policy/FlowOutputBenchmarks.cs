using BenchmarkDotNet.Attributes;
using LabSite.Clusters.Contract.Flows;

namespace LabSite.Benchmarks.Policy;

/// <summary>Printing one flow as hubble observe does (jsonpb line, compact line) and filtering it.</summary>
[MemoryDiagnoser]
public class FlowOutputBenchmarks
{
    private readonly FlowRecord _record;
    private readonly FlowFilterSet _filter = new FlowFilterBuilder().Add("pod", "deathstar").Add("verdict", "DROPPED").Build();

    public FlowOutputBenchmarks()
    {
        var flow = new Flow
        {
            Time = new Timestamp(1692619938, 510175415),
            Verdict = Verdict.DROPPED,
            IP = new IP { Source = "10.244.1.60", Destination = "10.244.1.5", IpVersion = IPVersion.IPv4 },
            L4 = new Layer4 { TCP = new TCP(44916, 80, new TCPFlags(SYN: true)) },
            Source = new Endpoint { Identity = 22654, Namespace = "default", PodName = "xwing", Labels = ["k8s:class=xwing", "k8s:org=alliance"] },
            Destination = new Endpoint { Identity = 16530, Namespace = "default", PodName = "deathstar-7848d6c4d5-th9v2" },
            NodeName = "labsite/lab1",
            EventType = new CiliumEventType(1, 133),
            DropReasonDesc = DropReason.POLICY_DENIED,
            Summary = "TCP Flags: SYN",
        };
        _record = new FlowRecord(flow, flow.NodeName, flow.Time);
    }

    [Benchmark]
    public string JsonPb() => FlowJson.Write(_record);

    [Benchmark]
    public string Compact() => FlowPrinter.Compact(_record);

    [Benchmark]
    public bool Filter() => _filter.Matches(_record.Flow);
}
