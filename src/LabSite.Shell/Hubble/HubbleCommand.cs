using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;

namespace LabSite.Shell.Hubble;

/// <summary>
/// <c>hubble observe</c> over the cluster's <see cref="IClusterInspector"/>, its arguments read by
/// <see cref="HubbleObserveArgs"/>: Hubble's filter flags (<c>--not</c> included), <c>--last</c>/<c>--first</c>/<c>--all</c>,
/// <c>--since</c>/<c>--until</c> (by flow time), <c>--follow</c> until Ctrl-C, <c>-o compact|table|dict|json|jsonpb</c>.
/// A cluster without inspection says so; flows are never invented.
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
                ObserveRequest request;
                try
                {
                    request = HubbleObserveArgs.Parse(args, context.Session.Clock.GetUtcNow());
                }
                catch (ArgumentException e)
                {
                    await context.Stderr.WriteLineAsync($"Error: {e.Message}");
                    return 1;
                }
                if (context.Inspector is not { } inspector)
                {
                    await context.Stderr.WriteLineAsync("not available in this cluster yet: hubble observe (flows)");
                    return 1;
                }
                try
                {
                    return await ObserveAsync(context, inspector, request);
                }
                catch (ClusterException e)
                {
                    // a cluster that cannot answer (kind: no hubble-relay yet) says why, as hubble prints a failed connection
                    await context.Stderr.WriteLineAsync($"Error: {e.Message}");
                    return 1;
                }
            case "status":
                await context.Stderr.WriteLineAsync("not available in this cluster yet: hubble status");
                return 1;
            default:
                await context.Stderr.WriteLineAsync($"Error: unknown command \"{args[0]}\" for \"hubble\"");
                return 1;
        }
    }

    private static async Task<int> ObserveAsync(CommandContext context, IClusterInspector inspector, ObserveRequest request)
    {
        var query = request.Query;
        if (!request.Follow)
        {
            var flows = await inspector.GetFlowsAsync(query, context.Cancellation);
            await context.Stdout.WriteAsync(FlowPrinter.Print(flows, request.Print));
            return 0;
        }
        // Following starts from a count of history and leaves the time window out, so --since asks for all the
        // history a ring holds and the window is applied here. As in Hubble, a flow past --until ends the follow.
        var follow = query.Last is null ? query with { Last = FlowRing.DefaultCapacity } : query;
        try
        {
            await foreach (var item in inspector.FollowFlowsAsync(follow, context.Cancellation))
            {
                if (item.Record is { } record)
                {
                    if (query.Until is { } until && record.FlowTime.CompareTo(until) > 0)
                    {
                        break;
                    }
                    if (query.Since is { } since && record.FlowTime.CompareTo(since) < 0)
                    {
                        continue;
                    }
                    await context.Stdout.WriteAsync(FlowPrinter.Print([record], request.Print));
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
