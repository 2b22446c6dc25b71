using LabSite.Clusters.Contract;

namespace LabSite.Shell.Cilium;

/// <summary><c>cilium-dbg status [--brief] [-o json]</c> from the agent's real state (<see cref="StatusText"/>).</summary>
internal static class StatusSubcommand
{
    public static async Task<int> RunAsync(CommandContext context, IClusterInspector inspector, List<string> args)
    {
        var (json, error) = OutputFlag.Take(args);
        var brief = args.Remove("--brief");
        // Cilium's detail switches only widen lists we do not print; accept them as the real tool does.
        args.RemoveAll(a => a is "--verbose" or "--all-addresses" or "--all-controllers" or "--all-nodes" or "--all-redirects" or "--all-clusters" or "--all-health");
        if (error is null && args.Count > 0)
        {
            error = $"unknown flag: {args[0]}";
        }
        if (error is not null)
        {
            await context.Stderr.WriteLineAsync($"Error: {error}");
            return 1;
        }
        if (await inspector.GetStatusAsync(context.Cancellation) is not { } status)
        {
            await context.Stderr.WriteLineAsync(brief ? "cilium: daemon unreachable" : "not available in this cluster yet: cilium-dbg status (the backend reports no agent status)");
            return 1;
        }
        if (json)
        {
            await context.Stdout.WriteAsync(StatusText.Json(status));
            return 0;
        }
        await context.Stdout.WriteAsync(brief ? StatusText.Brief(status) : StatusText.Text(status));
        // Like Cilium: a state other than Ok makes status fail, after printing it.
        return status.Problem is null ? 0 : 1;
    }
}
