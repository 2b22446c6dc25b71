namespace LabSite.Web.Clusters;

/// <summary>Addresses of the player's cluster notice.</summary>
public static class ClusterRoutes
{
    /// <summary>GET: the notice in its current state (htmx polls it while a restore is pending).</summary>
    public static string NoticeFragment(string labId) => $"/hx/labs/{labId}/cluster-notice";

    /// <summary>POST: the learner read the restore notice.</summary>
    public static string DismissNotice(string labId) => $"/labs/{labId}/cluster-notice/dismiss";
}
