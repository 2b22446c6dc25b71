namespace LabSite.Shell.Builtins;

/// <summary>Base for builtins: turns <see cref="UsageException"/> into a message on stderr and status 2.</summary>
public abstract class BuiltinCommand : IShellCommand
{
    public abstract string Name { get; }

    public abstract string Summary { get; }

    public async Task<int> RunAsync(CommandContext context)
    {
        try
        {
            return await RunBuiltinAsync(context);
        }
        catch (UsageException e)
        {
            await context.Stderr.WriteLineAsync(e.Message);
            return 2;
        }
    }

    protected abstract Task<int> RunBuiltinAsync(CommandContext context);

    /// <summary>Reads each operand as a file of the lab folder (or stdin for none or "-"), reporting missing ones.</summary>
    protected async Task<(List<(string Name, string Text)> Inputs, bool Failed)> ReadInputsAsync(CommandContext context, IReadOnlyList<string> operands)
    {
        var inputs = new List<(string, string)>();
        var failed = false;
        if (operands.Count == 0)
        {
            inputs.Add(("-", await context.Stdin.ReadToEndAsync(context.Cancellation)));
            return (inputs, false);
        }
        foreach (var name in operands)
        {
            if (name == "-")
            {
                inputs.Add((name, await context.Stdin.ReadToEndAsync(context.Cancellation)));
                continue;
            }
            try
            {
                inputs.Add((name, context.Session.Folder.ReadAllText(name)));
            }
            catch (ShellPathException e)
            {
                await context.Stderr.WriteLineAsync($"{Name}: {e.Message}");
                failed = true;
            }
        }
        return (inputs, failed);
    }

    /// <summary>Splits text into lines the way line tools see them: a final newline does not start another line.</summary>
    protected static List<string> Lines(string text)
    {
        var lines = text.Split('\n').ToList();
        if (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }
        return lines;
    }
}
