namespace LabSite.Scenarios.Model.Checks;

/// <summary>
/// Passes when flows matching <see cref="Filter"/> were (or were not) observed, like
/// <c>hubble observe</c> with the same filters over the check's time window.
/// </summary>
/// <param name="Expect">Whether matching flows must exist or be absent.</param>
/// <param name="MinCount">With <see cref="FlowExpectation.Exists"/>: how many matching flows are needed (default 1).</param>
/// <param name="Window">Which flows count: since the learner opened this step (default) or since the lab started.</param>
public sealed record FlowCheck(
    string Id,
    string Title,
    SourceLocation Location,
    FlowFilter Filter,
    FlowExpectation Expect,
    int MinCount,
    CheckWindow Window) : CheckSpec(Id, Title, Location);

/// <summary>
/// A Hubble-style flow filter. Every property left null matches anything; set properties AND together.
/// </summary>
/// <param name="From">The source pod(s) (<c>--from-pod</c> / <c>--from-label</c>).</param>
/// <param name="To">The destination pod(s) (<c>--to-pod</c> / <c>--to-label</c>).</param>
/// <param name="Verdict">The flow verdict (<c>--verdict</c>).</param>
/// <param name="DropReason">A Hubble drop reason name such as <c>POLICY_DENIED</c> (<c>--drop-reason-desc</c>); implies a drop.</param>
/// <param name="Protocol">The L4 or L7 protocol (<c>--protocol</c>).</param>
/// <param name="Port">The destination port (<c>--to-port</c>).</param>
/// <param name="Type">The event type (<c>--type</c>).</param>
/// <param name="Direction">The traffic direction as seen by the observing endpoint (<c>--traffic-direction</c>).</param>
/// <param name="Http">L7 HTTP filters; set only for HTTP flows.</param>
/// <param name="TracePoint">With type trace: the observation point, as <c>--type trace:to-overlay</c> names it.</param>
public sealed record FlowFilter(
    PodSelector? From,
    PodSelector? To,
    FlowVerdict? Verdict,
    string? DropReason,
    FlowProtocol? Protocol,
    int? Port,
    FlowEventType? Type,
    TrafficDirection? Direction,
    HttpFlowFilter? Http,
    string? TracePoint = null);

/// <summary>HTTP parts of a flow filter; null properties match anything.</summary>
/// <param name="Method">The request method, e.g. <c>POST</c> (<c>--http-method</c>, compared case-insensitively).</param>
/// <param name="Path">A regular expression matched against the whole URL path (<c>--http-path</c>), e.g. <c>/v1/.*</c>.</param>
/// <param name="Code">The response status code (<c>--http-status</c>); only response flows carry one.</param>
public sealed record HttpFlowFilter(string? Method, string? Path, int? Code);

public enum FlowExpectation { Exists, Absent }

public enum CheckWindow
{
    /// <summary>Since the learner opened the step holding the check.</summary>
    Step,

    /// <summary>Since the lab's cluster was created.</summary>
    Lab,
}

/// <summary>Hubble's verdicts (flow.proto <c>Verdict</c>), written in a check as Hubble prints them.</summary>
public enum FlowVerdict { Forwarded, Dropped, Error, Audit, Redirected, Traced, Translated }

/// <summary>Values of <c>hubble observe --protocol</c> that labs use.</summary>
public enum FlowProtocol { Tcp, Udp, Icmp, Http, Dns }

/// <summary>Values of <c>hubble observe --type</c>.</summary>
public enum FlowEventType { Drop, Trace, L7, PolicyVerdict }

public enum TrafficDirection { Ingress, Egress }
