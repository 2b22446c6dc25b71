using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;

namespace LabSite.Shell.Hubble;

/// <summary>
/// <c>hubble observe</c> over the cluster's <see cref="IClusterInspector"/>: Hubble's filter flags (built by
/// <see cref="FlowFilterBuilder"/>, <c>--not</c> included), <c>--last</c>/<c>--first</c>/<c>--all</c>, <c>--follow</c>
/// until Ctrl-C, <c>-o compact|table|dict|json|jsonpb</c>. A cluster without inspection says so; flows are never invented.
/// </summary>
public sealed class HubbleCommand : IShellCommand
{
    public string Name => "hubble";

    public string Summary => "observe network flows (hubble observe --pod deathstar --verdict DROPPED)";

    public async Task<int> RunAsync(CommandContext context)
    {
        var args = context.Args;
        if (args.Count == 0 || args[0] is "help" or "--help" or "-h")
        {
            await context.Stdout.WriteLineAsync("Hubble is a utility to observe and inspect recent Cilium routed traffic in a cluster.\n\nAvailable Commands:\n  observe     Observe flows\n  status      Display status of Hubble server");
            return 0;
        }
        switch (args[0])
        {
            case "observe":
                var rest = args.Skip(1).ToList();
                if (rest.FirstOrDefault() == "flows")
                {
                    rest.RemoveAt(0);
                }
                ObserveOptions options;
                try
                {
                    options = ObserveOptions.Parse(rest);
                }
                catch (ArgumentException e)
                {
                    await context.Stderr.WriteLineAsync($"Error: {e.Message}");
                    return 1;
                }
                if (context.Session.Cluster is not IClusterInspector inspector)
                {
                    await context.Stderr.WriteLineAsync("not available in this cluster yet: hubble observe (flows)");
                    return 1;
                }
                return await ObserveAsync(context, inspector, options);
            case "status":
                await context.Stderr.WriteLineAsync("not available in this cluster yet: hubble status");
                return 1;
            default:
                await context.Stderr.WriteLineAsync($"Error: unknown command \"{args[0]}\" for \"hubble\"");
                return 1;
        }
    }

    private static async Task<int> ObserveAsync(CommandContext context, IClusterInspector inspector, ObserveOptions options)
    {
        if (!options.Follow)
        {
            var flows = await inspector.GetFlowsAsync(options.Query, context.Cancellation);
            await context.Stdout.WriteAsync(FlowPrinter.Print(flows, options.Print));
            return 0;
        }
        try
        {
            await foreach (var item in inspector.FollowFlowsAsync(options.Query, context.Cancellation))
            {
                if (item.Record is { } record)
                {
                    await context.Stdout.WriteAsync(FlowPrinter.Print([record], options.Print));
                }
                else if (item.Lost is { } lost)
                {
                    await context.Stderr.WriteLineAsync($"EVENTS LOST: {lost.Source} {lost.Count}");
                }
            }
        }
        catch (OperationCanceledException) when (context.Cancellation.IsCancellationRequested)
        {
            // Ctrl-C ends --follow, as in hubble.
        }
        return context.Cancellation.IsCancellationRequested ? ShellInterpreter.Interrupted : 0;
    }
}

/// <summary>The parsed flags of <c>hubble observe</c>.</summary>
internal sealed record ObserveOptions(FlowQuery Query, FlowPrintOptions Print, bool Follow)
{
    private static readonly Dictionary<string, FlowOutput> s_outputs = new()
    {
        ["compact"] = FlowOutput.Compact,
        ["table"] = FlowOutput.Table,
        ["dict"] = FlowOutput.Dict,
        ["json"] = FlowOutput.Json,
        ["jsonpb"] = FlowOutput.JsonPb,
    };

    public static ObserveOptions Parse(IReadOnlyList<string> args)
    {
        var filters = new FlowFilterBuilder();
        int? last = null, first = null;
        bool all = false, follow = false, nodeName = false, policyNames = false, numeric = false;
        var output = FlowOutput.Compact;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-'))
            {
                throw new ArgumentException($"unknown command \"{arg}\" for \"hubble observe\"");
            }
            var eq = arg.IndexOf('=');
            var flag = (eq < 0 ? arg : arg[..eq]).TrimStart('-');
            string Value() => eq >= 0 ? arg[(eq + 1)..] : i + 1 < args.Count ? args[++i] : throw new ArgumentException($"flag needs an argument: {arg}");
            switch (flag)
            {
                case "not": filters.Not(); break;
                case "f" or "follow": follow = true; break;
                case "all": all = true; break;
                case "last": last = Count(flag, Value()); break;
                case "first": first = Count(flag, Value()); break;
                case "o" or "output":
                    var name = Value();
                    output = s_outputs.TryGetValue(name, out var o) ? o : throw new ArgumentException($"invalid output format \"{name}\" (compact, dict, json, jsonpb, table)");
                    break;
                case "print-node-name": nodeName = true; break;
                case "print-policy-names": policyNames = true; break;
                case "numeric": numeric = true; break;
                case "since" or "until":
                    throw new ArgumentException($"--{flag} is not available in the lab shell; use --last N or --first N");
                case var f when FlowFilterBuilder.Flags.Contains(f) || f is "n" or "t" or "l":
                    filters.Add(f, Value());
                    break;
                default:
                    throw new ArgumentException($"unknown flag: {arg}");
            }
        }
        // hubble observe shows the last 20 flows by default; --follow alone starts with no history.
        var query = new FlowQuery(filters.Build(), Last: all || first is not null ? null : last ?? (follow ? 0 : 20), First: first, All: all);
        return new ObserveOptions(query, new FlowPrintOptions(output, nodeName, policyNames, IpTranslation: !numeric), follow);
    }

    private static int Count(string flag, string value) =>
        int.TryParse(value, out var n) && n >= 0 ? n : throw new ArgumentException($"invalid argument \"{value}\" for \"--{flag}\" flag: not a count");
}
