namespace LabSite.LabHost.Agent;

/// <summary>
/// The cluster backends a standalone agent hosts, registered as <c>IClusterBackend</c> singletons; the first
/// one is the default for <c>cluster up</c>. The netns backend registers here once it is part of the build.
/// </summary>
public static class AgentBackends
{
    public static void Add(IServiceCollection services)
    {
        _ = services;
    }
}
