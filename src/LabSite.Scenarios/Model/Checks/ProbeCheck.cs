namespace LabSite.Scenarios.Model.Checks;

/// <summary>
/// Passes when a connection attempt made from inside a pod ends as expected: the grader runs it live
/// (like <c>kubectl exec &lt;pod&gt; -- curl ...</c>), so it tests the datapath, not a model of it.
/// </summary>
/// <param name="From">The pod the probe runs in (the first running pod selected).</param>
/// <param name="Probe">What to try.</param>
/// <param name="Expect">How the attempt must end.</param>
/// <param name="TimeoutSeconds">How long to wait before calling the attempt a timeout (default 3).</param>
public sealed record ProbeCheck(
    string Id,
    string Title,
    SourceLocation Location,
    PodSelector From,
    ProbeTarget Probe,
    ProbeExpectation Expect,
    int TimeoutSeconds) : CheckSpec(Id, Title, Location);

/// <summary>What a probe tries; one of the subtypes.</summary>
public abstract record ProbeTarget;

/// <summary>A TCP connect to <c>host:port</c>; the host may be a service name, a pod IP or a DNS name.</summary>
public sealed record TcpProbe(string Host, int Port) : ProbeTarget;

/// <summary>
/// An HTTP request. With <see cref="ProbeExpectation.Success"/>: the response must carry <see cref="Code"/>
/// (any 2xx when null) and contain <see cref="BodyContains"/> (when set). <see cref="ProbeExpectation.Denied"/>
/// means an L7 policy answered <c>403 Access denied</c>.
/// </summary>
public sealed record HttpProbe(string Method, string Url, int? Code, string? BodyContains) : ProbeTarget;

/// <summary>A DNS lookup of <see cref="Name"/> (an A record).</summary>
public sealed record DnsProbe(string Name) : ProbeTarget;

public enum ProbeExpectation
{
    /// <summary>Connected (TCP), answered as expected (HTTP), resolved (DNS).</summary>
    Success,

    /// <summary>Refused by policy: an L7 403 for HTTP, a reset or refusal for TCP, an error answer for DNS.</summary>
    Denied,

    /// <summary>No answer within the timeout: what an L3/L4 policy drop looks like from the client.</summary>
    Timeout,
}
