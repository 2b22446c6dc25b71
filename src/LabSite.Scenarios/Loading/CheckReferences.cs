using System.Net;
using LabSite.Scenarios.Model;
using LabSite.Scenarios.Model.Checks;

namespace LabSite.Scenarios.Loading;

/// <summary>
/// Warns about checks that name pods, services or objects nothing in the lab creates: usually a typo
/// (<c>xwng</c>) that would make the check fail for every learner. Warnings, not errors, because a lab may create
/// things in ways the index cannot see (inline YAML in a heredoc, a script).
/// </summary>
internal static class CheckReferences
{
    public static void Check(IEnumerable<CheckSpec> checks, LabObjectIndex index, DiagnosticBag bag)
    {
        if (index.Objects.Count == 0)
        {
            // A lab that creates nothing itself runs on objects made elsewhere; there is nothing to compare with.
            return;
        }

        foreach (var check in checks)
        {
            foreach (var (key, selector) in Selectors(check))
            {
                if (!index.Matches(selector))
                {
                    bag.Warning(check.Location, $"check \"{check.Id}\" names {(selector.Name is null ? "pods" : "pod")} {selector} in \"{key}\", but no file or kubectl command in this lab creates {(selector.Name is null ? "pods with those labels" : "it")}; pods here: {index.WorkloadNames(selector.Namespace)}");
                }
            }

            foreach (var (key, host) in Hosts(check))
            {
                if (ServiceOf(host) is var (service, ns) && !index.Has("Service", service, ns))
                {
                    bag.Warning(check.Location, $"check \"{check.Id}\" reaches service {ns}/{service} in \"{key}\", but no file or kubectl command in this lab creates it");
                }
            }

            if (check is ServiceCheck sc && !index.Has("Service", sc.Service, sc.Namespace))
            {
                bag.Warning(check.Location, $"check \"{check.Id}\" reads the load-balancing entries of service {sc.Namespace}/{sc.Service}, but no file or kubectl command in this lab creates it");
            }

            if (check is ObjectCheck { Expect: not ObjectExpectation.Absent } o && !IsBuiltIn(o) && !index.Has(o.Resource, o.Name, o.Namespace))
            {
                bag.Warning(check.Location, $"check \"{check.Id}\" expects {o.Resource} {(o.Namespace is null ? "" : o.Namespace + "/")}{o.Name}, but no file or kubectl command in this lab creates it");
            }
        }
    }

    private static IEnumerable<(string Key, PodSelector Selector)> Selectors(CheckSpec check)
    {
        IEnumerable<(string, PodSelector?)> all = check switch
        {
            FlowCheck f => [("from", f.Filter.From), ("to", f.Filter.To)],
            FlowRatioCheck r => [("from", r.Filter.From), .. r.Split.Select(s => ("split", (PodSelector?)s.To))],
            PolicyMapCheck p => [("endpoint", p.Endpoint), ("peer", p.Peer.Pods)],
            EndpointCheck e => [("pod", e.Pod), ("sameIdentityAs", e.SameIdentityAs), ("differentIdentityFrom", e.DifferentIdentityFrom)],
            ProbeCheck p => [("from", p.From)],
            RuntimeCheck r => [("pod", r.Filter.Pod)],
            MetricCheck { Traffic: { } t } => [("from", t.From)],
            AnswerCheck { Answer.Live: { } live } => [("answer", live.Pod)],
            _ => [],
        };
        return all.Where(s => s.Item2 is not null).Select(s => (s.Item1, s.Item2!));
    }

    private static IEnumerable<(string Key, string Host)> Hosts(CheckSpec check) => check switch
    {
        ProbeCheck { Probe: TcpProbe tcp } => [("tcp", tcp.Host)],
        ProbeCheck { Probe: HttpProbe http } when Uri.TryCreate(http.Url, UriKind.Absolute, out var uri) => [("http", uri.Host)],
        ProbeCheck { Probe: DnsProbe dns } => [("dns", dns.Name)],
        MetricCheck { Traffic.Target: TcpProbe tcp } => [("tcp", tcp.Host)],
        MetricCheck { Traffic.Target: HttpProbe http } when Uri.TryCreate(http.Url, UriKind.Absolute, out var uri) => [("http", uri.Host)],
        MetricCheck { Traffic.Target: DnsProbe dns } => [("dns", dns.Name)],
        AnswerCheck { Answer.Live: { Service: { } service } live } => [("answer", $"{service}.{live.Namespace}.svc")],
        _ => [],
    };

    /// <summary>The service a cluster DNS name means: <c>web</c>, <c>web.shop.svc</c>, <c>web.shop.svc.cluster.local</c>; null for IPs and other names.</summary>
    private static (string Service, string Namespace)? ServiceOf(string host)
    {
        host = host.TrimEnd('.');
        if (IPAddress.TryParse(host, out _))
        {
            return null;
        }

        var parts = host.Split('.');
        if (parts.Length == 1)
        {
            return (parts[0], PodSelector.DefaultNamespace);
        }

        var isClusterName = host.EndsWith(".svc", StringComparison.Ordinal) || host.EndsWith(".svc.cluster.local", StringComparison.Ordinal);
        return isClusterName && parts.Length >= 3 ? (parts[0], parts[1]) : null;
    }

    private static bool IsBuiltIn(ObjectCheck check) =>
        check.Resource == "Namespace" && check.Name is "default" or "kube-system";
}
