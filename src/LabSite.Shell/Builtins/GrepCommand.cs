using System.Text;
using System.Text.RegularExpressions;

namespace LabSite.Shell.Builtins;

/// <summary>
/// <c>grep [-i] [-v] [-E] [-c] [-n] pattern [file...]</c>. Basic regular expressions are translated to .NET's
/// syntax (in BRE, <c>+ ? | ( ) { }</c> are literal unless escaped); matching has a time limit against runaway patterns.
/// </summary>
public sealed class GrepCommand : BuiltinCommand
{
    private static readonly TimeSpan s_matchTimeout = TimeSpan.FromSeconds(1);

    public override string Name => "grep";

    public override string Summary => "print lines matching a pattern (-i -v -E -c -n)";

    protected override async Task<int> RunBuiltinAsync(CommandContext context)
    {
        var args = new ArgumentReader(Name, context.Args, "ivEcnF", "e");
        var operands = args.Operands.ToList();
        var pattern = args.Value('e');
        if (pattern is null)
        {
            if (operands.Count == 0)
            {
                throw new UsageException("Usage: grep [-i] [-v] [-E] [-c] [-n] PATTERN [FILE]...");
            }
            pattern = operands[0];
            operands.RemoveAt(0);
        }
        Regex regex;
        try
        {
            var source = args.Has('F') ? Regex.Escape(pattern) : args.Has('E') ? pattern : FromBasic(pattern);
            regex = new Regex(source, (args.Has('i') ? RegexOptions.IgnoreCase : RegexOptions.None) | RegexOptions.CultureInvariant, s_matchTimeout);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"grep: invalid regular expression '{pattern}': {e.Message}");
        }
        var (inputs, failed) = await ReadInputsAsync(context, operands);
        var any = false;
        foreach (var (name, text) in inputs)
        {
            var count = 0;
            var number = 0;
            foreach (var line in Lines(text))
            {
                number++;
                bool matched;
                try
                {
                    matched = regex.IsMatch(line) != args.Has('v');
                }
                catch (RegexMatchTimeoutException)
                {
                    await context.Stderr.WriteLineAsync($"grep: pattern '{pattern}' took too long; simplify it");
                    return 2;
                }
                if (!matched)
                {
                    continue;
                }
                count++;
                if (!args.Has('c'))
                {
                    var prefix = (inputs.Count > 1 ? $"{name}:" : "") + (args.Has('n') ? $"{number}:" : "");
                    await context.Stdout.WriteLineAsync(prefix + line);
                }
            }
            if (args.Has('c'))
            {
                await context.Stdout.WriteLineAsync((inputs.Count > 1 ? $"{name}:" : "") + count);
            }
            any |= count > 0;
        }
        return failed ? 2 : any ? 0 : 1;
    }

    /// <summary>POSIX basic regular expression → .NET pattern.</summary>
    internal static string FromBasic(string pattern)
    {
        var result = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var next = pattern[++i];
                result.Append(next is '+' or '?' or '|' or '(' or ')' or '{' or '}' ? next.ToString() : "\\" + next);
                continue;
            }
            result.Append(c is '+' or '?' or '|' or '(' or ')' or '{' or '}' ? "\\" + c : c.ToString());
        }
        return result.ToString();
    }
}
