using System.Globalization;
using System.Net;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Fqdn;

namespace LabSite.Clusters.Netns.Outside;

/// <summary>One host of a lab's outside world: a name, the address it resolves to, and the TTL of its DNS answers.</summary>
public sealed record OutsideHost(string Name, IPAddress Address, uint Ttl);

/// <summary>
/// A lab's outside world, declared in <c>outside.hosts</c> beside its manifests: one host name per line, optionally
/// followed by <c>ttl=SECONDS</c> (default <see cref="DefaultTtl"/>); <c>#</c> starts a comment. Each host gets an
/// address in the lab's part of 198.18.0.0/15 (RFC 2544's benchmarking range, never routed on the internet), which
/// the node holds and serves HTTP on, so pods reach it through the node as the <c>world</c> identity and cluster DNS
/// answers its name as an upstream resolver would. No real internet is involved.
/// </summary>
public static class OutsideHosts
{
    public const string FileName = "outside.hosts";

    public const uint DefaultTtl = 60;

    public const int MaxHosts = 32;

    /// <summary>The longest TTL a host may declare (one day), so an answer cannot pin an address for ever.</summary>
    public const uint MaxTtl = 86400;

    /// <summary>The n-th outside address (n from 0) of the lab in <paramref name="slot"/>: 198.(18 + slot/256).(slot%256).(10+n).</summary>
    public static IPAddress Address(int slot, int n) =>
        n is < 0 or >= MaxHosts ? throw new ArgumentOutOfRangeException(nameof(n)) : new IPAddress([198, (byte)(18 + (slot / 256)), (byte)(slot % 256), (byte)(10 + n)]);

    /// <summary>
    /// The request's outside world: its <see cref="ClusterRequest.OutsideHosts"/> (a lab's front matter) when given,
    /// else <c>outside.hosts</c> in its manifests directory; none when neither is there.
    /// </summary>
    public static IReadOnlyList<OutsideHost> Load(ClusterRequest request, int slot)
    {
        if (request.OutsideHosts is { Count: > 0 } lines)
        {
            return Parse(string.Join('\n', lines), "outside", slot);
        }
        var path = request.ManifestsDirectory is null ? null : Path.Combine(request.ManifestsDirectory, FileName);
        return path is null || !File.Exists(path) ? [] : Parse(File.ReadAllText(path), path, slot);
    }

    /// <summary>Parses the file's text; a bad line throws a <see cref="ClusterException"/> naming the file and line.</summary>
    public static IReadOnlyList<OutsideHost> Parse(string text, string source, int slot)
    {
        var hosts = new List<OutsideHost>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Split('#', 2)[0].Trim();
            if (line.Length == 0)
            {
                continue;
            }
            var at = $"{source}:{i + 1}";
            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 2)
            {
                throw new ClusterException($"{at}: expected \"NAME [ttl=SECONDS]\", got \"{line}\"");
            }
            if (FqdnSelector.Name(fields[0], out var error) is null || !fields[0].Contains('.', StringComparison.Ordinal))
            {
                throw new ClusterException($"{at}: \"{fields[0]}\" is not a host name with a domain ({error ?? "no dot"})");
            }
            var name = fields[0].TrimEnd('.').ToLowerInvariant();
            if (name.EndsWith(".cluster.local", StringComparison.Ordinal) || name == "cluster.local")
            {
                throw new ClusterException($"{at}: \"{name}\" is inside the cluster domain; outside hosts need other names");
            }
            var ttl = DefaultTtl;
            if (fields.Length == 2)
            {
                var t = fields[1];
                if (!t.StartsWith("ttl=", StringComparison.Ordinal) || !uint.TryParse(t.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out ttl) || ttl > MaxTtl)
                {
                    throw new ClusterException($"{at}: expected ttl=SECONDS (0 to {MaxTtl}), got \"{t}\"");
                }
            }
            if (hosts.Any(h => h.Name == name))
            {
                throw new ClusterException($"{at}: \"{name}\" is declared twice");
            }
            if (hosts.Count == MaxHosts)
            {
                throw new ClusterException($"{at}: at most {MaxHosts} outside hosts per lab");
            }
            hosts.Add(new OutsideHost(name, Address(slot, hosts.Count), ttl));
        }
        return hosts;
    }
}
