using LabSite.Clusters.Contract.Flows;

namespace LabSite.Clusters.Netns.Proxy.Flows;

/// <summary>
/// Receives the proxy's L7 flows (the lab's flow ring, which enriches them with pod names and keeps history).
/// Called on connection tasks: must not block and must not throw.
/// </summary>
public interface IL7FlowSink
{
    void Publish(Flow flow);

    /// <summary>An HTTP flow in compact form; a sink that keeps flows may keep it so and build it when read.</summary>
    void Publish(L7HttpFlow flow) => Publish(flow.Build());
}
