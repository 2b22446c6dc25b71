using System.Text;

namespace LabSite.Shell.Builtins;

/// <summary><c>wc [-l] [-w] [-c]</c>: newline, word and byte counts, laid out as GNU wc does.</summary>
public sealed class WcCommand : BuiltinCommand
{
    public override string Name => "wc";

    public override string Summary => "count lines (-l), words (-w), bytes (-c)";

    protected override async Task<int> RunBuiltinAsync(CommandContext context)
    {
        var args = new ArgumentReader(Name, context.Args, "lwc");
        var all = !args.Has('l') && !args.Has('w') && !args.Has('c');
        var (inputs, failed) = await ReadInputsAsync(context, args.Operands);
        var rows = inputs.Select(i => (i.Name, Counts(i.Text))).ToList();
        if (rows.Count == 0)
        {
            return 1;
        }
        if (rows.Count > 1)
        {
            rows.Add(("total", (rows.Sum(r => r.Item2.Lines), rows.Sum(r => r.Item2.Words), rows.Sum(r => r.Item2.Bytes))));
        }
        var columns = (all ? 3 : 0) + (args.Has('l') ? 1 : 0) + (args.Has('w') ? 1 : 0) + (args.Has('c') ? 1 : 0);
        // GNU wc pads to a common width unless a single count of stdin is printed.
        var width = columns == 1 && args.Operands.Count == 0 ? 1 : Math.Max(rows.Max(r => r.Item2.Bytes).ToString().Length, args.Operands.Count == 0 ? 7 : 1);
        foreach (var (name, (lines, words, bytes)) in rows)
        {
            var cells = new List<long>();
            if (all || args.Has('l'))
            {
                cells.Add(lines);
            }
            if (all || args.Has('w'))
            {
                cells.Add(words);
            }
            if (all || args.Has('c'))
            {
                cells.Add(bytes);
            }
            var text = string.Join(' ', cells.Select(c => c.ToString().PadLeft(width)));
            await context.Stdout.WriteLineAsync(name == "-" ? text : $"{text} {name}");
        }
        return failed ? 1 : 0;
    }

    private static (long Lines, long Words, long Bytes) Counts(string text) =>
        (text.Count(c => c == '\n'),
         text.Split([' ', '\t', '\n', '\r', '\v', '\f'], StringSplitOptions.RemoveEmptyEntries).Length,
         Encoding.UTF8.GetByteCount(text));
}
