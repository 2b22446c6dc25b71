using LabSite.EndToEnd.Tests.Support;
using LabSite.Testing;

namespace LabSite.EndToEnd.Tests.Site;

/// <summary>One real <c>labsite serve</c> on the repository's content/, shared by the browser tests of a class.</summary>
public sealed class LabSiteFixture : IAsyncLifetime
{
    public LabSiteProcess Site { get; private set; } = null!;

    public async Task InitializeAsync() => Site = await LabSiteProcess.StartAsync(RepositoryPaths.Content);

    public async Task DisposeAsync() => await Site.DisposeAsync();
}
