using System.Globalization;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;

namespace LabSite.Shell.Cilium;

/// <summary>
/// <c>cilium-dbg monitor [--type T]... [--related-to|--from|--to EP]... [-n] [-v]</c>: live datapath events until
/// Ctrl-C, one line each (<see cref="MonitorText"/>), from the cluster's live flows (no history, as the real monitor
/// shows only what happens from now). Like the real tool it prints its two banner lines on stderr, says it is
/// disconnecting on Ctrl-C and exits 0. <c>-v</c> prints as the default does (Cilium's DEBUG level uses the same
/// lines); <c>-vv</c>, <c>--hex</c> and <c>-j</c> need packet bytes, which flows do not keep, so they are refused.
/// </summary>
internal static class MonitorSubcommand
{
    private sealed record Options(HashSet<int> Types, HashSet<uint> Related, HashSet<uint> From, HashSet<uint> To, bool Numeric);

    public static async Task<int> RunAsync(CommandContext context, IClusterInspector inspector, List<string> args)
    {
        Options options;
        try
        {
            options = Parse(args);
        }
        catch (ArgumentException e)
        {
            await context.Stderr.WriteLineAsync($"Error: {e.Message}");
            return 1;
        }
        var ct = context.Cancellation;
        if (await inspector.GetStatusAsync(ct) is { } status)
        {
            await context.Stderr.WriteLineAsync($"Listening for events on {status.Cpus} CPUs with {status.MonitorPages}x{status.PageSize} of shared memory");
        }
        await context.Stderr.WriteLineAsync("Press Ctrl-C to quit");
        await context.Stderr.FlushAsync(ct);
        try
        {
            await foreach (var e in inspector.FollowFlowsAsync(new FlowQuery(FlowFilterSet.All, Last: 0), ct))
            {
                var line = e.Record is { } r ? Select(r.Flow, options) : $"Lost {e.Lost!.Count} events";
                if (line is not null)
                {
                    await context.Stdout.WriteLineAsync(line);
                    await context.Stdout.FlushAsync(ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Ctrl-C is how the monitor ends.
        }
        if (ct.IsCancellationRequested)
        {
            await context.Stderr.WriteAsync("\nReceived an interrupt, disconnecting from monitor...\n\n");
        }
        return 0;
    }

    /// <summary>The line for a flow that passes the filters (type, then endpoints as the monitor's formatter checks them).</summary>
    private static string? Select(Flow f, Options o)
    {
        if (f.EventType is not { } type || (o.Types.Count > 0 && !o.Types.Contains(type.Type)))
        {
            return null;
        }
        var (src, dst) = MonitorText.Endpoints(f);
        if ((o.From.Count > 0 && !o.From.Contains(src)) || (o.To.Count > 0 && !o.To.Contains(dst))
            || (o.Related.Count > 0 && !o.Related.Contains(src) && !o.Related.Contains(dst)))
        {
            return null;
        }
        return MonitorText.Line(f, o.Numeric);
    }

    private static Options Parse(List<string> args)
    {
        var o = new Options([], [], [], [], false);
        var numeric = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var flag = eq < 0 ? arg : arg[..eq];
            string Value() => eq >= 0 ? arg[(eq + 1)..] : i + 1 < args.Count ? args[++i] : throw new ArgumentException($"flag needs an argument: {arg}");
            switch (flag)
            {
                case "--type" or "-t":
                    var name = Value();
                    o.Types.Add(MonitorText.Types.TryGetValue(name, out var t)
                        ? t
                        : throw new ArgumentException($"Unknown type ({name}). Please use one of the following ones [{string.Join(" ", MonitorText.Types.Keys)}]"));
                    break;
                case "--related-to": o.Related.Add(Endpoint(flag, Value())); break;
                case "--from": o.From.Add(Endpoint(flag, Value())); break;
                case "--to": o.To.Add(Endpoint(flag, Value())); break;
                case "-n" or "--numeric": numeric = true; break;
                case "-v" or "--verbose": break;
                case "-vv" or "--hex" or "-j" or "--json":
                    throw new ArgumentException($"{arg} is not available here: it prints packet bytes, and this cluster's monitor keeps flows, not packets");
                default: throw new ArgumentException($"unknown flag: {arg}");
            }
        }
        return o with { Numeric = numeric };
    }

    private static uint Endpoint(string flag, string value) =>
        ushort.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new ArgumentException($"invalid argument \"{value}\" for \"{flag}\" flag: not an endpoint id (cilium-dbg endpoint list shows them)");
}
