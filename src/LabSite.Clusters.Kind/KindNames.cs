using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Clusters.Kind;

/// <summary>
/// Lab names and kind cluster names: lab <c>lab1</c> is kind cluster <c>labsite-lab1</c>, so clusters we own are
/// told apart from the user's own kind clusters by name, and GC never touches theirs.
/// </summary>
public static class KindNames
{
    public const string Prefix = "labsite-";

    public static bool IsOurs(string kindCluster) => kindCluster.StartsWith(Prefix, StringComparison.Ordinal) && kindCluster.Length > Prefix.Length;

    /// <summary>The kind cluster name for a lab; throws for a name kind or Kubernetes would refuse.</summary>
    public static string ForLab(string lab)
    {
        var error = NameValidation.CheckDns1123Label(lab).FirstOrDefault();
        if (error is not null || lab.Length > 40)
        {
            throw new Contract.ClusterException($"cluster name '{lab}': {error ?? "longer than 40 characters (kind node names add a suffix)"}");
        }
        return Prefix + lab;
    }

    public static string LabOf(string kindCluster) => kindCluster[Prefix.Length..];
}
