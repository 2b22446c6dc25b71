using LabSite.Scenarios.Model;

namespace LabSite.Scenarios.Loading;

/// <summary>A lab folder that failed validation: listed as unavailable, with its errors, on the authors' page.</summary>
public sealed record BrokenLab(string Id, string Directory, IReadOnlyList<Diagnostic> Diagnostics);

/// <summary>
/// Every lab found under a content folder: the valid ones, and the broken ones with their diagnostics.
/// One broken lab never hides the others.
/// </summary>
public sealed record LabCatalog(string ContentDirectory, IReadOnlyList<Lab> Labs, IReadOnlyList<BrokenLab> Broken)
{
    public Lab? Find(string id) => Labs.FirstOrDefault(l => l.Id == id);
}
