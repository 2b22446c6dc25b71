using System.CommandLine;
using System.CommandLine.Parsing;

namespace LabSite.Cli;

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
        root.Subcommands.Add(WorkshopCommands.Create());
        root.Subcommands.Add(Doctor.DoctorCommand.Create());
        return root;
    }

    /// <summary>
    /// Parses and runs. Ctrl-C normally cancels the command and ends the program (exit 130); the lab shell
    /// (<c>cluster shell</c>) takes SIGINT itself, to interrupt the running line as a shell does.
    /// </summary>
    public static Task<int> InvokeAsync(string[] args)
    {
        var parsed = Create().Parse(args);
        var configuration = new InvocationConfiguration();
        if (parsed.CommandResult.Command.Name == "shell" && parsed.CommandResult.Parent is CommandResult { Command.Name: "cluster" })
        {
            configuration.ProcessTerminationTimeout = null;
        }
        return parsed.InvokeAsync(configuration);
    }
}
