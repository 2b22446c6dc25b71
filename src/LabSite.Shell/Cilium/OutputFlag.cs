namespace LabSite.Shell.Cilium;

/// <summary>cilium-dbg's <c>-o/--output</c> flag (pkg/command AddOutputOption): only <c>json</c> is supported here.</summary>
internal static class OutputFlag
{
    /// <summary>
    /// Removes <c>-o json</c>, <c>-o=json</c>, <c>--output json</c> or <c>--output=json</c> from <paramref name="args"/>:
    /// true when JSON was asked for; an error sentence when the flag is there with another or no format.
    /// </summary>
    public static (bool Json, string? Error) Take(List<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? value;
            if (arg is "-o" or "--output")
            {
                value = i + 1 < args.Count ? args[i + 1] : null;
                args.RemoveRange(i, value is null ? 1 : 2);
            }
            else if (arg.StartsWith("-o=", StringComparison.Ordinal) || arg.StartsWith("--output=", StringComparison.Ordinal))
            {
                value = arg[(arg.IndexOf('=', StringComparison.Ordinal) + 1)..];
                args.RemoveAt(i);
            }
            else
            {
                continue;
            }
            return value switch
            {
                null => (false, $"flag needs an argument: {arg}"),
                "json" => (true, null),
                _ => (false, $"output format \"{value}\" is not available here (only -o json)"),
            };
        }
        return (false, null);
    }
}
