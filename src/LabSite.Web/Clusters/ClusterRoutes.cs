namespace LabSite.Web.Clusters;

/// <summary>Addresses of the player's cluster notice.</summary>
public static class ClusterRoutes
{
    /// <summary>POST: the learner read the restore notice (the form without JavaScript).</summary>
    public static string DismissNotice(string labId) => $"/labs/{labId}/cluster-notice/dismiss";
}
