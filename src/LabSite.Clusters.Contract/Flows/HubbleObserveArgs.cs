using System.Globalization;
using System.Text.RegularExpressions;

namespace LabSite.Clusters.Contract.Flows;

/// <summary>A parsed <c>hubble observe</c>: what to select, how to print it, and whether to follow.</summary>
public sealed record ObserveRequest(FlowQuery Query, FlowPrintOptions Print, bool Follow);

/// <summary>
/// Parses the arguments of <c>hubble observe [flows]</c> as the Hubble CLI reads them (FORMATS §2): filter flags via
/// <see cref="FlowFilterBuilder"/>, <c>--last</c>/<c>--first</c>/<c>--all</c>/<c>--since</c>/<c>--until</c>,
/// <c>-f</c>, <c>-o</c> and the print switches. Without <c>--follow</c>, <c>--first</c>, <c>--all</c>, <c>--since</c>
/// or <c>--until</c> the last 20 flows print; a time window prints every flow in it; following alone starts from now,
/// following with <c>--since</c> from then. Errors name the flag and what is wrong with it, worded so that a caller
/// prints them after <c>Error: </c> as the Hubble CLI does.
/// </summary>
public static partial class HubbleObserveArgs
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
        var list = args.ToList();
        foreach (var word in new[] { "observe", "flows" })
        {
            if (list.Count > 0 && list[0] == word)
            {
                list.RemoveAt(0);
            }
        }
        for (var i = 0; i < list.Count; i++)
        {
            var arg = list[i];
            if (!arg.StartsWith('-'))
            {
                throw new ArgumentException($"unknown command \"{arg}\" for \"hubble observe\" (filters are flags, e.g. --pod {arg})");
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
                    throw new ArgumentException($"flag needs an argument: {arg}");
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
                default: throw new ArgumentException($"unknown flag: {arg}");
            }
        }
        if (output == FlowOutput.Table && follow)
        {
            throw new ArgumentException("output format \"table\" cannot be used with --follow");
        }
        if (first is not null && (last is not null || follow))
        {
            throw new ArgumentException("--first cannot be combined with --last or --follow");
        }
        var history = last ?? (follow || first is not null || all || since is not null || until is not null ? null : 20);
        if (follow && last is null && since is null)
        {
            history = 0;
        }
        var query = new FlowQuery(filters.Build(), history, first, all, since, until);
        return new ObserveRequest(query, new FlowPrintOptions(output, nodeName, policyNames, translate), follow);
    }

    private static int Count(string flag, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0
            ? n
            : throw new ArgumentException($"--{flag}: \"{value}\" is not a number of flows (0 or more)");

    private static FlowOutput Output(string value) => value switch
    {
        "compact" => FlowOutput.Compact,
        "dict" => FlowOutput.Dict,
        "json" => FlowOutput.Json,
        "jsonpb" => FlowOutput.JsonPb,
        "table" or "tab" => FlowOutput.Table,
        _ => throw new ArgumentException($"--output: invalid output format \"{value}\" (compact, dict, json, jsonpb, table)"),
    };

    /// <summary>A duration back from now (Go's syntax: 30s, 5m, 1h30m, 1.5h, 500ms), or an RFC 3339 time.</summary>
    private static Timestamp Time(string flag, string value, DateTimeOffset now)
    {
        if (TryDuration(value, out var ago))
        {
            // Further back than the Unix epoch is before any flow.
            return ago >= now - DateTimeOffset.UnixEpoch ? default : Timestamp.FromDateTimeOffset(now - ago);
        }
        if (TryRfc3339(value, out var time))
        {
            return time;
        }
        throw new ArgumentException($"--{flag}: \"{value}\" is neither a duration (e.g. 5m, 1h30m) nor an RFC 3339 time (e.g. 2026-11-22T12:00:00Z)");
    }

    /// <summary>Decimal numbers each with a unit, as Go's time.ParseDuration reads them (without a sign).</summary>
    private static bool TryDuration(string text, out TimeSpan span)
    {
        span = TimeSpan.Zero;
        var match = DurationPattern().Match(text);
        if (!match.Success)
        {
            return false;
        }
        var ticks = 0.0;
        for (var i = 0; i < match.Groups["n"].Captures.Count; i++)
        {
            var number = double.Parse(match.Groups["n"].Captures[i].Value, CultureInfo.InvariantCulture);
            ticks += number * match.Groups["u"].Captures[i].Value switch
            {
                "ns" => 0.01,
                "us" or "µs" => TimeSpan.TicksPerMicrosecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                _ => TimeSpan.TicksPerHour,
            };
        }
        if (ticks >= TimeSpan.MaxValue.Ticks)
        {
            return false;
        }
        span = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    /// <summary>RFC 3339 with up to nine fractional digits (as Hubble prints flow times), every nanosecond kept.</summary>
    private static bool TryRfc3339(string text, out Timestamp time)
    {
        time = default;
        var match = Rfc3339Pattern().Match(text);
        if (!match.Success)
        {
            return false;
        }
        var zone = match.Groups["zone"].Value is "Z" or "z" ? "+00:00" : match.Groups["zone"].Value;
        if (!DateTimeOffset.TryParseExact(match.Groups["date"].Value + "T" + match.Groups["time"].Value + zone, "yyyy-MM-dd'T'HH:mm:sszzz",
                CultureInfo.InvariantCulture, DateTimeStyles.None, out var whole))
        {
            return false;
        }
        var nanos = match.Groups["frac"].Success ? int.Parse(match.Groups["frac"].Value.PadRight(9, '0'), CultureInfo.InvariantCulture) : 0;
        time = new Timestamp(whole.ToUnixTimeSeconds(), nanos);
        return true;
    }

    [GeneratedRegex(@"^(?:(?<n>\d+(?:\.\d*)?|\.\d+)(?<u>ns|us|µs|ms|s|m|h))+$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"^(?<date>\d{4}-\d{2}-\d{2})[Tt](?<time>\d{2}:\d{2}:\d{2})(?:\.(?<frac>\d{1,9}))?(?<zone>[Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339Pattern();
}
