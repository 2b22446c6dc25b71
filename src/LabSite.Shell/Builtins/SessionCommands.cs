namespace LabSite.Shell.Builtins;

/// <summary><c>clear</c>: erases the screen and scrollback (the same bytes as ncurses' clear for xterm).</summary>
public sealed class ClearCommand : BuiltinCommand
{
    public override string Name => "clear";

    public override string Summary => "clear the terminal";

    protected override async Task<int> RunBuiltinAsync(CommandContext context)
    {
        await context.Stdout.WriteAsync("\u001b[H\u001b[2J\u001b[3J");
        return 0;
    }
}

/// <summary><c>history</c>: numbered as bash prints it (<c>%5d  %s</c>).</summary>
public sealed class HistoryCommand : BuiltinCommand
{
    public override string Name => "history";

    public override string Summary => "list the lines run in this lab";

    protected override async Task<int> RunBuiltinAsync(CommandContext context)
    {
        var entries = context.Session.History.Entries;
        for (var i = 0; i < entries.Count; i++)
        {
            await context.Stdout.WriteLineAsync($"{i + 1,5}  {entries[i]}");
        }
        return 0;
    }
}

/// <summary><c>help</c>: the commands on offer and what the shell does not do.</summary>
public sealed class HelpCommand : BuiltinCommand
{
    public override string Name => "help";

    public override string Summary => "this list";

    protected override async Task<int> RunBuiltinAsync(CommandContext context)
    {
        await context.Stdout.WriteLineAsync("The lab shell runs these commands:");
        foreach (var command in context.Session.Commands.Values.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            await context.Stdout.WriteLineAsync($"  {command.Name,-10} {command.Summary}");
        }
        await context.Stdout.WriteLineAsync();
        await context.Stdout.WriteLineAsync("It understands quotes, |, >, >>, <, <<EOF, &&, || and ;. It expands nothing: no $VARIABLES,");
        await context.Stdout.WriteLineAsync("$( ) or backticks, no * globs. Files live in the lab folder only.");
        return 0;
    }
}

/// <summary><c>exit</c>: ends the session (the terminal closes), like Ctrl-D on an empty line.</summary>
public sealed class ExitCommand : BuiltinCommand
{
    public override string Name => "exit";

    public override string Summary => "end the session";

    protected override Task<int> RunBuiltinAsync(CommandContext context)
    {
        context.Session.ExitRequested = true;
        return Task.FromResult(0);
    }
}
