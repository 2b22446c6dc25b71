using LabSite.NetnsBench;

// Macro benchmarks of the netns backend; run as root, Release:
//   dotnet run -c Release --project bench/LabSite.NetnsBench -- ready [runs=20]
//   ... -- memory [clusters=10]      host memory per running Star Wars cluster
//   ... -- scale [clusters=50]       clusters at once, all answering
//   ... -- throughput [rounds=5] [seconds=3]  pod-to-pod TCP stream, L3/L4 policy vs no tc programs
//   ... -- connrate [rounds=5] [seconds=2]    pod-to-pod TCP connections per second, same comparison
//   ... -- apply [runs=40] [pods=50]          CNP apply until its entries are in the kernel maps
//   ... -- egressl7 [rounds=5] [seconds=3] [connections=4]  HTTP req/s through the egress L7 proxy vs direct
//   ... -- dnsproxy [rounds=5] [seconds=3] [sockets=4]  DNS queries/s and latency through the DNS proxy vs cluster DNS directly
//   ... -- ingress [rounds=5] [seconds=3] [connections=4]  HTTP req/s through a Cilium Ingress vs straight to the pod
//   ... -- runtime [rounds=5] [spawns=500]   process spawns/s with vs without the runtime-security programs
//   ... -- crossnode [rounds=5] [seconds=3]  2-node lab: TCP stream and conn/s same node vs across nodes (VXLAN)
//   ... -- crosscluster [rounds=5] [seconds=3]  Cluster Mesh: TCP stream and conn/s across clusters vs across nodes of one cluster
//   ... -- ipsec [rounds=5] [seconds=3]      2-node lab: TCP stream and conn/s across nodes, IPsec on vs off
//   ... -- nodes [runs=5]                    ready time and memory of a Star Wars cluster, 1 node vs 3 nodes
//   ... -- mutualauth [runs=10]             2-node lab: first AUTH_REQUIRED drop -> first forwarded packet, handshake, connect with vs without auth
//   ... -- bgp [runs=5]              BGP convergence after a gobgpd restart vs initial establishment (router RIB)
//   ... -- hold <prefix> <clusters>  crash-test child: create labs, print READY, wait to be killed
var mode = args.FirstOrDefault() ?? "ready";
int Arg(int index, int fallback) => args.Length > index && int.TryParse(args[index], out var v) ? v : fallback;

return mode switch
{
    "ready" => await ReadyBenchmark.RunAsync(Arg(1, 20)),
    "memory" => await ScaleBenchmark.RunAsync(Arg(1, 10)),
    "scale" => await ScaleBenchmark.RunAsync(Arg(1, 50)),
    "throughput" => await DatapathBenchmark.RunAsync("throughput", Arg(1, 5), Arg(2, 3)),
    "connrate" => await DatapathBenchmark.RunAsync("connrate", Arg(1, 5), Arg(2, 2)),
    "apply" => await PolicyApplyBenchmark.RunAsync(Arg(1, 40), Arg(2, 50)),
    "egressl7" => await EgressL7Benchmark.RunAsync(Arg(1, 5), Arg(2, 3), Arg(3, 4)),
    "dnsproxy" => await DnsProxyBenchmark.RunAsync(Arg(1, 5), Arg(2, 3), Arg(3, 4)),
    "ingress" => await IngressBenchmark.RunAsync(Arg(1, 5), Arg(2, 3), Arg(3, 4)),
    "runtime" => await RuntimeBenchmark.RunAsync(Arg(1, 5), Arg(2, 500)),
    "crossnode" => await MultiNodeBenchmark.CrossNodeAsync(Arg(1, 5), Arg(2, 3)),
    "crosscluster" => await MeshBenchmark.CrossClusterAsync(Arg(1, 5), Arg(2, 3)),
    "ipsec" => await MultiNodeBenchmark.IpsecAsync(Arg(1, 5), Arg(2, 3)),
    "nodes" => await MultiNodeBenchmark.NodesAsync(Arg(1, 5)),
    "bgp" => await BgpBenchmark.RunAsync(Arg(1, 5)),
    "mutualauth" => await MutualAuthBenchmark.RunAsync(Arg(1, 10)),
    "hold" when args.Length > 1 => await HoldMode.RunAsync(args[1], Arg(2, 3)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: LabSite.NetnsBench ready [runs] | memory [clusters] | scale [clusters] | throughput [rounds] [seconds] | connrate [rounds] [seconds] | apply [runs] [pods] | egressl7 [rounds] [seconds] [connections] | dnsproxy [rounds] [seconds] [sockets] | ingress [rounds] [seconds] [connections] | runtime [rounds] [spawns] | crossnode [rounds] [seconds] | crosscluster [rounds] [seconds] | ipsec [rounds] [seconds] | nodes [runs] | bgp [runs] | mutualauth [runs] | hold <prefix> [clusters]");
    return 2;
}
