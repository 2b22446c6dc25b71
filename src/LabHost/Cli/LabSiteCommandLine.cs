namespace LabSite.LabHost.Cli;

using System.CommandLine;

/// <summary>
/// The `labsite` command line. Each area contributes its verbs; other tools script against
/// these exact forms, so changing one is a breaking change.
/// </summary>
public static class LabSiteCommandLine
{
    public static RootCommand Create()
    {
        var root = new RootCommand("LabSite: a self-hostable learning lab for Cilium and eBPF.");
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(LabCommands.Create());
        root.Subcommands.Add(AgentCommand.Create());
        root.Subcommands.Add(ClusterCommands.Create());
        root.Subcommands.Add(ExamCommands.Create());
        return root;
    }
}
