using LabSite.Scenarios.Model;
using LabSite.Shell;
using LabSite.Web.Learners;

namespace LabSite.Web.Workspace;

/// <summary>
/// Each learner's working folder for a lab, <c>&lt;data&gt;/terminals/&lt;learner&gt;/&lt;lab&gt;/</c>: the folder the lab
/// shell's <c>cat</c>, <c>ls</c> and <c>&gt;</c> use in every terminal tab of that lab, and the one the editor tab shows.
/// Seeded with the lab's files, never overwriting what the learner changed, so <c>kubectl apply -f sw_l3_l4_policy.yaml</c>
/// works as in the docs. The learner comes from the learner cookie only, so no request names another learner's folder.
/// </summary>
public sealed class LabFolders(SiteOptions options)
{
    public WorkingFolder For(LearnerId learner, Lab lab)
    {
        var folder = new WorkingFolder(Path.Combine(options.DataDirectory, "terminals", learner.ToString(), lab.Id));
        foreach (var file in lab.Files)
        {
            var target = Path.Combine(folder.Root, file.RelativePath);
            if (!File.Exists(target) && File.Exists(file.FullPath) && Path.GetFullPath(target).StartsWith(folder.Root + "/", StringComparison.Ordinal))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file.FullPath, target);
            }
        }
        return folder;
    }
}
