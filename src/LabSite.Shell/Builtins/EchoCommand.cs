namespace LabSite.Shell.Builtins;

/// <summary><c>echo [-n] [-e] words...</c>, as bash's builtin.</summary>
public sealed class EchoCommand : BuiltinCommand
{
    public override string Name => "echo";

    public override string Summary => "print its arguments (-n: no newline, -e: \\n and \\t escapes)";

    protected override async Task<int> RunBuiltinAsync(CommandContext context)
    {
        var args = context.Args.ToList();
        bool newline = true, escapes = false;
        // bash's echo takes leading -n/-e/-ne words as options and anything else as text.
        while (args.Count > 0 && args[0].Length > 1 && args[0][0] == '-' && args[0][1..].All(c => c is 'n' or 'e' or 'E'))
        {
            newline &= !args[0].Contains('n');
            escapes = args[0].Contains('e');
            args.RemoveAt(0);
        }
        var text = string.Join(' ', args);
        if (escapes)
        {
            text = text.Replace("\\n", "\n").Replace("\\t", "\t").Replace("\\\\", "\\");
        }
        await context.Stdout.WriteAsync(newline ? text + "\n" : text);
        return 0;
    }
}
