using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Inspection;

namespace LabSite.Shell.Cilium;

/// <summary>
/// <c>cilium-dbg fqdn cache list [-e ENDPOINT] [-s lookup|connection] [-o json]</c>: the DNS proxy's FQDN cache in
/// Cilium's columns, or as the JSON of Cilium's DNSLookup model. <c>-p/--matchpattern</c> is not offered here.
/// </summary>
internal static class FqdnCacheSubcommand
{
    public static async Task<int> RunAsync(CommandContext context, IClusterInspector inspector, List<string> args)
    {
        var (json, error) = OutputFlag.Take(args);
        ushort? endpoint = null;
        string? source = null;
        for (var i = 0; error is null && i < args.Count; i++)
        {
            var (flag, value) = args[i].Split('=', 2) is [var f, var v] ? (f, (string?)v) : (args[i], i + 1 < args.Count ? args[++i] : null);
            switch (flag)
            {
                case "-e" or "--endpoint":
                    endpoint = ushort.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
                    error = endpoint is null ? $"invalid endpoint id \"{value}\" (cilium-dbg endpoint list shows them)" : null;
                    break;
                case "-s" or "--source":
                    source = value;
                    error = value is "lookup" or "connection" ? null : $"invalid source \"{value}\" (lookup or connection)";
                    break;
                case "-p" or "--matchpattern":
                    error = "--matchpattern is not available here; filter with -e or grep";
                    break;
                default:
                    error = $"unknown flag: {flag}";
                    break;
            }
        }
        if (error is not null)
        {
            await context.Stderr.WriteLineAsync($"Error: {error}");
            return 1;
        }
        if (await inspector.GetFqdnCacheAsync(context.Cancellation) is not { } cache)
        {
            await context.Stderr.WriteLineAsync("not available in this cluster yet: cilium-dbg fqdn cache list (the backend keeps no FQDN cache)");
            return 1;
        }
        var rows = cache.Where(e => (endpoint is null || e.Endpoint == endpoint) && (source is null || e.Source == source)).ToList();
        await context.Stdout.WriteAsync(json ? Json(rows) : FqdnCacheEntry.ToText(rows));
        return 0;
    }

    private static string Json(IEnumerable<FqdnCacheEntry> rows)
    {
        var array = new JsonArray(rows.Select(e => (JsonNode)new JsonObject
        {
            ["endpoint-id"] = e.Endpoint,
            ["expiration-time"] = Time(e.ExpirationTime),
            ["fqdn"] = e.Fqdn,
            ["ips"] = new JsonArray(e.Ips.Select(ip => (JsonNode)JsonValue.Create(ip)).ToArray()),
            ["lookup-time"] = Time(e.ExpirationTime.AddSeconds(-e.Ttl)),
            ["source"] = e.Source,
            ["ttl"] = e.Ttl,
        }).ToArray());
        return array.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
