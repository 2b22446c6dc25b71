using System.Globalization;

namespace LabSite.Clusters.Contract.Flows;

/// <summary>A parsed <c>hubble observe</c>: what to select, how to print it, and whether to follow.</summary>
public sealed record ObserveRequest(FlowQuery Query, FlowPrintOptions Print, bool Follow);

/// <summary>
/// Parses the arguments of <c>hubble observe [flows]</c> as the Hubble CLI reads them (FORMATS §2): filter flags via
/// <see cref="FlowFilterBuilder"/>, <c>--last</c>/<c>--first</c>/<c>--all</c>/<c>--since</c>/<c>--until</c>,
/// <c>-f</c>, <c>-o</c> and the print switches. Without <c>--follow</c>, <c>--first</c>, <c>--all</c> or
/// <c>--since</c> the last 20 flows print; following alone starts from now. Errors name the flag.
/// </summary>
public static class HubbleObserveArgs
{
    private static readonly HashSet<string> s_switches =
        ["follow", "f", "all", "print-node-name", "print-policy-names", "numeric", "all-namespaces", "A", "not", "port-forward", "P"];

    public static ObserveRequest Parse(IReadOnlyList<string> args, DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var filters = new FlowFilterBuilder();
        int? last = null, first = null;
        bool all = false, follow = false, nodeName = false, policyNames = false, translate = true;
        Timestamp? since = null, until = null;
        var output = FlowOutput.Compact;
        var list = args.SkipWhile(a => a == "observe").SkipWhile(a => a == "flows").ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var arg = list[i];
            if (!arg.StartsWith('-'))
            {
                throw new ArgumentException($"hubble observe: unexpected argument \"{arg}\"");
            }
            var name = arg.TrimStart('-');
            string? value = null;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            string Value()
            {
                if (value is not null)
                {
                    return value;
                }
                if (i + 1 >= list.Count)
                {
                    throw new ArgumentException($"hubble observe: flag needs an argument: {arg}");
                }
                return list[++i];
            }
            if (s_switches.Contains(name))
            {
                switch (name)
                {
                    case "follow" or "f": follow = true; break;
                    case "all": all = true; break;
                    case "print-node-name": nodeName = true; break;
                    case "print-policy-names": policyNames = true; break;
                    case "numeric": translate = false; break;
                    case "not": filters.Not(); break;
                    default: break; // -A and -P change nothing here: one lab, no port-forward needed.
                }
                continue;
            }
            switch (name)
            {
                case "last": last = Count(name, Value()); break;
                case "first": first = Count(name, Value()); break;
                case "since": since = Time(name, Value(), now ?? DateTimeOffset.UtcNow); break;
                case "until": until = Time(name, Value(), now ?? DateTimeOffset.UtcNow); break;
                case "output" or "o": output = Output(Value()); break;
                case "ip-translation": translate = Value() != "false"; break;
                case var f when FlowFilterBuilder.Flags.Contains(f) || f is "n" or "t" or "l":
                    filters.Add(f, Value());
                    break;
                default: throw new ArgumentException($"hubble observe: unknown flag: {arg}");
            }
        }
        if (output == FlowOutput.Table && follow)
        {
            throw new ArgumentException("hubble observe: output format \"table\" cannot be used with --follow");
        }
        if (first is not null && (last is not null || follow))
        {
            throw new ArgumentException("hubble observe: --first cannot be combined with --last or --follow");
        }
        var history = last ?? (follow || first is not null || all || since is not null ? null : 20);
        if (follow && last is null)
        {
            history = 0;
        }
        var query = new FlowQuery(filters.Build(), history, first, all, since, until);
        return new ObserveRequest(query, new FlowPrintOptions(output, nodeName, policyNames, translate), follow);
    }

    private static int Count(string flag, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new ArgumentException($"hubble observe: --{flag}: \"{value}\" is not a number");

    private static FlowOutput Output(string value) => value switch
    {
        "compact" => FlowOutput.Compact,
        "dict" => FlowOutput.Dict,
        "json" => FlowOutput.Json,
        "jsonpb" => FlowOutput.JsonPb,
        "table" or "tab" => FlowOutput.Table,
        _ => throw new ArgumentException($"hubble observe: invalid output format \"{value}\" (compact, dict, json, jsonpb, table)"),
    };

    /// <summary>A relative duration (30s, 5m, 1h, 1h30m) back from now, or an RFC 3339 time.</summary>
    private static Timestamp Time(string flag, string value, DateTimeOffset now)
    {
        if (TryDuration(value, out var ago))
        {
            return Timestamp.FromDateTimeOffset(now - ago);
        }
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
        {
            return Timestamp.FromDateTimeOffset(t);
        }
        throw new ArgumentException($"hubble observe: --{flag}: \"{value}\" is neither a duration (e.g. 5m) nor an RFC 3339 time");
    }

    private static bool TryDuration(string text, out TimeSpan span)
    {
        span = TimeSpan.Zero;
        var number = "";
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                number += c;
                continue;
            }
            if (number.Length == 0 || !int.TryParse(number, CultureInfo.InvariantCulture, out var n))
            {
                return false;
            }
            span += c switch
            {
                's' => TimeSpan.FromSeconds(n),
                'm' => TimeSpan.FromMinutes(n),
                'h' => TimeSpan.FromHours(n),
                _ => TimeSpan.MinValue,
            };
            if (span < TimeSpan.Zero)
            {
                return false;
            }
            number = "";
        }
        return number.Length == 0 && text.Length > 0;
    }
}
