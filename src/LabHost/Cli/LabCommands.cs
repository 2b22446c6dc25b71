namespace LabSite.LabHost.Cli;

using System.CommandLine;

/// <summary><c>labsite lab validate|test</c>: for lab authors and CI.</summary>
public static class LabCommands
{
    public static Command Create()
    {
        var command = new Command("lab", "Validate and test labs.");
        return command;
    }
}
