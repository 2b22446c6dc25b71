using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Runtime;

namespace LabSite.Shell.Tetra;

/// <summary>
/// <c>tetra getevents</c>, Tetragon's CLI, over the cluster's runtime events: like the real one it streams events from
/// now until Ctrl-C (no history), as JSON lines (the default, Tetragon's field names) or <c>-o compact</c>, filtered by
/// <c>--namespaces</c>/<c>-n</c>, <c>--pods</c>, <c>--processes</c> (regular expressions, as Tetragon matches them) and
/// <c>--event-types</c>/<c>-e</c>; the deprecated singular flags still work and say so. A cluster without a runtime
/// sensor says so; events are never invented.
/// </summary>
public sealed class TetraCommand : IShellCommand
{
    private const string Rfc3339Nano = "yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z'";

    public string Name => "tetra";

    public string Summary => "runtime security events, Tetragon's CLI (tetra getevents -o compact --pods deathstar)";

    public async Task<int> RunAsync(CommandContext context)
    {
        var args = context.Args;
        if (args.Count == 0 || args[0] is "help" or "--help" or "-h")
        {
            await context.Stdout.WriteLineAsync("Tetragon CLI\n\nUsage:\n  tetra [command]\n\nAvailable Commands:\n  getevents   Print events\n  help        Help about any command");
            return 0;
        }

        if (args[0] != "getevents")
        {
            await context.Stderr.WriteLineAsync($"Error: unknown command \"{args[0]}\" for \"tetra\"\nRun 'tetra --help' for usage.");
            return 1;
        }

        GetEventsOptions options;
        try
        {
            options = GetEventsOptions.Parse(args.Skip(1).ToList(), context.Stderr);
        }
        catch (ArgumentException e)
        {
            await context.Stderr.WriteLineAsync($"Error: {e.Message}");
            return 1;
        }

        if (options.Help)
        {
            await context.Stdout.WriteLineAsync(GetEventsOptions.Usage);
            return 0;
        }

        if (context.Session.Cluster is not IClusterInspector inspector)
        {
            await context.Stderr.WriteLineAsync("not available in this cluster yet: tetra getevents (runtime events)");
            return 1;
        }

        return await StreamAsync(context, inspector, options);
    }

    private static async Task<int> StreamAsync(CommandContext context, IClusterInspector inspector, GetEventsOptions options)
    {
        var ct = context.Cancellation;
        try
        {
            await foreach (var e in inspector.FollowRuntimeEventsAsync(new RuntimeEventQuery(options.Filter, 0), ct))
            {
                await context.Stdout.WriteLineAsync(options.Compact ? Compact(e, options.Timestamps) : e.ToJson());
                await context.Stdout.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Ctrl-C ends the stream; tetra then exits normally.
        }
        catch (ClusterException e)
        {
            await context.Stderr.WriteLineAsync($"Error: {e.Message}");
            return 1;
        }

        return 0;
    }

    private static string Compact(TetragonEvent e, bool timestamps) =>
        timestamps ? $"{e.Time.UtcDateTime.ToString(Rfc3339Nano, System.Globalization.CultureInfo.InvariantCulture)} {TetragonCompact.Format(e)}" : TetragonCompact.Format(e);
}
