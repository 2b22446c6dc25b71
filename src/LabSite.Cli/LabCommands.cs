using System.CommandLine;
using LabSite.Scenarios.Loading;

namespace LabSite.Cli;

/// <summary><c>labsite lab validate|test</c>: for lab authors and CI.</summary>
public static class LabCommands
{
    public static Command Create()
    {
        var command = new Command("lab", "Validate and test labs.");
        command.Subcommands.Add(CreateValidate());
        command.Subcommands.Add(LabTestCommand.Create());
        return command;
    }

    /// <summary><c>labsite lab validate &lt;dir&gt;...</c>: prints every problem as file:line:column; exit 1 on any error.</summary>
    private static Command CreateValidate()
    {
        var dirs = new Argument<string[]>("dir")
        {
            Description = "content/labs (every lab under it) or single lab folders holding lab.md.",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("validate", "Check lab folders and print each problem with its file, line and column.") { dirs };
        command.SetAction((ParseResult result, CancellationToken ct) =>
        {
            var config = result.InvocationConfiguration;
            return Task.FromResult(LabValidation.Run(result.GetValue(dirs)!, config.Output, config.Error));
        });
        return command;
    }
}
