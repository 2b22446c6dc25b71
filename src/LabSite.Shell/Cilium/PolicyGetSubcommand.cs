using System.Text.Encodings.Web;
using System.Text.Json;
using LabSite.Clusters.Contract;

namespace LabSite.Shell.Cilium;

/// <summary>
/// <c>cilium-dbg policy get [-o json]</c>: the policy repository, printed as cilium-dbg/cmd/policy_get.go does
/// (the rules' JSON, then <c>Revision: N</c>); with <c>-o json</c> the API's Policy model. Label filters are refused.
/// </summary>
internal static class PolicyGetSubcommand
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task<int> RunAsync(CommandContext context, IClusterInspector inspector, List<string> args)
    {
        var (json, error) = OutputFlag.Take(args);
        if (error is null && args.Count > 0)
        {
            error = args[0].StartsWith('-') ? $"unknown flag: {args[0]}" : $"policy get with labels ({string.Join(' ', args)}) is not available here; run it without arguments";
        }
        if (error is not null)
        {
            await context.Stderr.WriteLineAsync($"Error: {error}");
            return 1;
        }
        if (await inspector.GetPolicyRepositoryAsync(context.Cancellation) is not { } repository)
        {
            await context.Stderr.WriteLineAsync("not available in this cluster yet: cilium-dbg policy get (the backend keeps no policy repository)");
            return 1;
        }
        await context.Stdout.WriteAsync(json
            ? JsonSerializer.Serialize(new { policy = repository.Policy, revision = repository.Revision }, s_indented) + "\n"
            : repository.ToText());
        return 0;
    }
}
