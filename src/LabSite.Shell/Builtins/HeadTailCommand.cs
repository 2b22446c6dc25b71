namespace LabSite.Shell.Builtins;

/// <summary><c>head</c> / <c>tail</c> with <c>-n N</c> (default 10); <c>tail -n +N</c> starts at line N.</summary>
public sealed class HeadTailCommand(bool head) : BuiltinCommand
{
    public override string Name => head ? "head" : "tail";

    public override string Summary => head ? "first lines of input (-n N)" : "last lines of input (-n N, -n +N)";

    protected override async Task<int> RunBuiltinAsync(CommandContext context)
    {
        var args = new ArgumentReader(Name, context.Args, "", "n");
        var countText = args.Value('n') ?? "10";
        var fromStart = !head && countText.StartsWith('+');
        if (!int.TryParse(countText.TrimStart('+'), out var count) || count < 0)
        {
            throw new UsageException($"{Name}: invalid number of lines: '{countText}'");
        }
        var (inputs, failed) = await ReadInputsAsync(context, args.Operands);
        foreach (var (name, text) in inputs)
        {
            if (inputs.Count > 1)
            {
                await context.Stdout.WriteLineAsync($"==> {name} <==");
            }
            var lines = Lines(text);
            var chosen = head ? lines.Take(count) : fromStart ? lines.Skip(Math.Max(0, count - 1)) : lines.TakeLast(count);
            foreach (var line in chosen)
            {
                await context.Stdout.WriteLineAsync(line);
            }
        }
        return failed ? 1 : 0;
    }
}
