using LabSite.Scenarios.Loading;

namespace LabSite.Web.Labs;

/// <summary>
/// The lab catalog the site serves: loaded from <c>&lt;content&gt;/labs</c> at start and replaced as a whole when
/// the content changes (<see cref="LabCatalogWatcher"/>). Broken labs stay in the catalog as <see cref="BrokenLab"/>s
/// (listed on /authors); they never stop the valid ones from being served. A request reads <see cref="Current"/>
/// once per use; a catalog is immutable, so a reload never shows a request half of each.
/// </summary>
public sealed class LabCatalogSource(LabCatalog catalog)
{
    private volatile LabCatalog _current = Prepare(catalog);

    public LabCatalog Current => _current;

    public void Replace(LabCatalog catalog) => _current = Prepare(catalog);

    private static LabCatalog Prepare(LabCatalog catalog) => catalog with { Labs = [.. catalog.Labs.Select(LabLinks.Rebase)] };
}
