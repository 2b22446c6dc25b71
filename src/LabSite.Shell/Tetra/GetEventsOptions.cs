namespace LabSite.Shell.Tetra;

/// <summary>
/// The flags of <c>tetra getevents</c>, named and checked as the real command checks them (cobra string slices:
/// repeatable and comma-separated; <c>--flag value</c> or <c>--flag=value</c>). Field selection
/// (<c>-f</c>/<c>-F</c>), <c>--host</c> and <c>--tty-encode</c> are refused by name.
/// </summary>
internal sealed record GetEventsOptions(Clusters.Contract.Runtime.TetragonFilter Filter, bool Compact, bool Timestamps, bool Help)
{
    public const string Usage = """
        Print events

        Usage:
          tetra getevents [flags]

        Flags:
              --color string            Colorize compact output. auto, always, or never (default "auto")
          -e, --event-types strings     Include only events of given types
          -h, --help                    help for getevents
          -n, --namespaces strings      Get events by Kubernetes namespaces
          -o, --output string           Output format. json or compact (default "json")
              --pods strings            Get events by pods name regex
              --processes strings       Get events by processes name regex
              --timestamps              Include timestamps in compact output
        """;

    private static readonly Dictionary<string, string> s_deprecated = new(StringComparer.Ordinal)
    {
        ["--namespace"] = "--namespaces",
        ["--pod"] = "--pods",
        ["--process"] = "--processes",
    };

    public static GetEventsOptions Parse(IReadOnlyList<string> args, TextWriter warnings)
    {
        var namespaces = new List<string>();
        var pods = new List<string>();
        var processes = new List<string>();
        var types = new List<string>();
        var output = "json";
        var color = "auto";
        var timestamps = false;
        var help = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var eq = arg.StartsWith("--", StringComparison.Ordinal) ? arg.IndexOf('=', StringComparison.Ordinal) : -1;
            var flag = eq < 0 ? arg : arg[..eq];
            string Value() => eq >= 0 ? arg[(eq + 1)..]
                : i + 1 < args.Count ? args[++i]
                : throw new ArgumentException($"flag needs an argument: {arg}");
            if (s_deprecated.TryGetValue(flag, out var replacement))
            {
                warnings.WriteLine($"Flag {flag} has been deprecated, please use {replacement} instead");
                flag = replacement;
            }

            switch (flag)
            {
                case "-o" or "--output": output = Value(); break;
                case "--color": color = Value(); break;
                case "-n" or "--namespaces": namespaces.AddRange(Slice(Value())); break;
                case "--pods": pods.AddRange(Slice(Value())); break;
                case "--processes": processes.AddRange(Slice(Value())); break;
                case "-e" or "--event-types": types.AddRange(Slice(Value())); break;
                case "--timestamps": timestamps = true; break;
                case "-h" or "--help": help = true; break;
                case "-f" or "--include-fields" or "-F" or "--exclude-fields" or "--host" or "-t" or "--tty-encode":
                    throw new ArgumentException($"{flag} is not available in the lab shell: events come whole, and only from the lab's pods");
                default:
                    throw new ArgumentException(arg.StartsWith('-') ? $"unknown flag: {flag}" : $"unknown command \"{arg}\" for \"tetra getevents\"");
            }
        }

        if (output is not ("json" or "compact"))
        {
            throw new ArgumentException($"invalid value for \"output\" flag: {output}");
        }

        if (color is not ("auto" or "always" or "never"))
        {
            throw new ArgumentException($"invalid value for \"color\" flag: {color}");
        }

        var filter = new Clusters.Contract.Runtime.TetragonFilter(namespaces, pods, processes, types);
        if (filter.Validate() is { } problem)
        {
            throw new ArgumentException(problem);
        }

        return new GetEventsOptions(filter, output == "compact", timestamps, help);
    }

    private static IEnumerable<string> Slice(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
