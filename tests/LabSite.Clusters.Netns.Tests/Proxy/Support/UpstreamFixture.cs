namespace LabSite.Clusters.Netns.Tests.Proxy.Support;

/// <summary>One Kestrel upstream shared by the tests of a class.</summary>
public sealed class UpstreamFixture : IAsyncLifetime
{
    public KestrelUpstream Upstream { get; private set; } = null!;

    public async Task InitializeAsync() => Upstream = await KestrelUpstream.StartAsync();

    public async Task DisposeAsync() => await Upstream.DisposeAsync();
}
