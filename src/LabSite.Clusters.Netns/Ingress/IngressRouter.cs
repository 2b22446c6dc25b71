using System.Net;
using LabSite.Clusters.Contract.Identity;
using LabSite.Clusters.Netns.Proxy.Flows;
using LabSite.Clusters.Netns.Proxy.Http;
using LabSite.Clusters.Netns.Proxy.Routing;

namespace LabSite.Clusters.Netns.Ingress;

/// <summary>
/// The routing stage of the lab's ingress listeners (<see cref="IL7RequestRouter"/>): finds the listener's routes by
/// the connection's original destination, picks the best matching entry (host, then <see cref="RouteEntry.Compare"/>),
/// a backend by weight, then one ready endpoint at random. Its local answers follow Envoy's as Cilium configures
/// it: 404 with an empty body when no route matches (Envoy's "NR"), 500 for a backendRef that does not resolve or
/// a rule whose weights are all 0 (as the Gateway API requires), 503 "no healthy upstream" when the Service has no
/// ready endpoint.
/// </summary>
internal sealed class IngressRouter(Func<IngressRouteTable> table, Func<IPAddress, NumericIdentity> identityOf, Random random) : IL7RequestRouter
{
    private readonly Lock _randomLock = new();

    public L7Route Route(L7Exchange connection, HttpRequestHead request)
    {
        if (!table().Listeners.TryGetValue((connection.Server.Address, connection.Server.Port), out var listener))
        {
            return L7Route.Reply(404, "", "no listener");
        }
        var host = HostWithoutPort(request.Host);
        var path = request.PathAndQuery.Split('?', 2)[0];
        RouteEntry? best = null;
        (int, int) bestHost = default;
        foreach (var entry in listener.Routes)
        {
            // Routes are in precedence order, so within one host score the first match wins.
            if (entry.HostScore(host) is { } score && (best is null || score.CompareTo(bestHost) > 0) && entry.Matches(path, request.Method, request.Headers))
            {
                (best, bestHost) = (entry, score);
            }
        }
        if (best is null)
        {
            return L7Route.Reply(404, "", "no route");
        }
        var backend = Choose(best.Backends);
        if (backend is null)
        {
            return L7Route.Reply(500, "", $"{best.Origin}: no backend with a weight above 0");
        }
        if (backend.Problem is { } problem)
        {
            return L7Route.Reply(500, "", $"{best.Origin}: {problem.Reason}: {problem.Message}");
        }
        if (!listener.Endpoints.TryGetValue((backend.Namespace, backend.Name, backend.Port), out var endpoints) || endpoints.Count == 0)
        {
            return L7Route.Reply(503, "no healthy upstream", $"{best.Origin}: {backend.Namespace}/{backend.Name}:{backend.Port} has no ready endpoint");
        }
        IPEndPoint upstream;
        lock (_randomLock)
        {
            upstream = endpoints[random.Next(endpoints.Count)];
        }
        return L7Route.To(upstream, identityOf(upstream.Address), $"{best.Origin} → {backend.Namespace}/{backend.Name}:{backend.Port}");
    }

    /// <summary>A backend with probability weight/sum; null when there is none or every weight is 0.</summary>
    private BackendTarget? Choose(IReadOnlyList<BackendTarget> backends)
    {
        var total = backends.Sum(b => b.Weight);
        if (total <= 0)
        {
            return null;
        }
        long pick;
        lock (_randomLock)
        {
            pick = random.NextInt64(total);
        }
        foreach (var b in backends)
        {
            if (pick < b.Weight)
            {
                return b;
            }
            pick -= b.Weight;
        }
        return null;
    }

    private static string HostWithoutPort(string host)
    {
        if (host.StartsWith('['))
        {
            return host; // an IPv6 literal matches no hostname
        }
        var colon = host.LastIndexOf(':');
        return (colon >= 0 ? host[..colon] : host).TrimEnd('.');
    }
}
