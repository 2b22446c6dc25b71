namespace LabSite.LabHost.Labs;

using LabSite.Scenarios.Loading;

/// <summary>
/// The lab catalog the site serves: loaded from <c>&lt;content&gt;/labs</c> at start. Broken labs stay in
/// the catalog as <see cref="BrokenLab"/>s (listed on /authors); they never stop the valid ones from being served.
/// </summary>
public sealed class LabCatalogSource(LabCatalog catalog)
{
    public LabCatalog Current { get; } = catalog with { Labs = [.. catalog.Labs.Select(LabLinks.Rebase)] };
}
