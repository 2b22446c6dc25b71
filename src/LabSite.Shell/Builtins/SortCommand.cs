using System.Globalization;

namespace LabSite.Shell.Builtins;

/// <summary><c>sort [-r] [-n] [-u]</c>, byte order (as with LC_ALL=C).</summary>
public sealed class SortCommand : BuiltinCommand
{
    public override string Name => "sort";

    public override string Summary => "sort lines (-r reverse, -n numeric, -u unique)";

    protected override async Task<int> RunBuiltinAsync(CommandContext context)
    {
        var args = new ArgumentReader(Name, context.Args, "rnu");
        var (inputs, failed) = await ReadInputsAsync(context, args.Operands);
        IEnumerable<string> lines = inputs.SelectMany(i => Lines(i.Text));
        var sorted = args.Has('n')
            ? lines.OrderBy(Number).ThenBy(l => l, StringComparer.Ordinal).ToList()
            : lines.OrderBy(l => l, StringComparer.Ordinal).ToList();
        if (args.Has('r'))
        {
            sorted.Reverse();
        }
        var output = args.Has('u') ? sorted.Distinct() : sorted;
        foreach (var line in output)
        {
            await context.Stdout.WriteLineAsync(line);
        }
        return failed ? 2 : 0;
    }

    /// <summary>sort -n reads a leading number and treats a line without one as 0.</summary>
    private static double Number(string line)
    {
        var text = new string(line.TrimStart().TakeWhile((c, i) => char.IsAsciiDigit(c) || c == '.' || (i == 0 && c == '-')).ToArray());
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : 0;
    }
}
