using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using LabSite.Clusters.Contract;

namespace LabSite.Agent.Server.KubeApi;

/// <summary>
/// Each lab's bearer token for its Kubernetes API: an HMAC of the lab's name and creation time under a key this agent
/// process draws at start, so nothing is stored, a lab recreated under the same name gets a new token, and an agent
/// restart revokes every token (kubeconfigs must be fetched again).
/// </summary>
public sealed class KubeApiTokens
{
    private const int MaxVerified = 4096;
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    // Tokens already checked, with the lab instance they were checked against: checking a token needs the lab's summary,
    // which costs a listing of every lab, per request. A lab destroyed or recreated under its name is another instance,
    // so its old token stops matching.
    private readonly ConcurrentDictionary<(string Lab, string Token), ILabCluster> _verified = new();

    public string TokenFor(ClusterSummary lab) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{lab.Name}\n{lab.CreatedAt.UtcTicks}")));

    public bool Matches(ClusterSummary lab, string token) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(TokenFor(lab)), Encoding.ASCII.GetBytes(token));

    /// <summary>Whether <paramref name="token"/> was verified for <paramref name="cluster"/>, this very instance of the lab.</summary>
    public bool WasVerified(string lab, string token, ILabCluster cluster) =>
        _verified.TryGetValue((lab, token), out var seen) && ReferenceEquals(seen, cluster);

    public void Verified(string lab, string token, ILabCluster cluster)
    {
        if (_verified.Count >= MaxVerified)
        {
            _verified.Clear();
        }
        _verified[(lab, token)] = cluster;
    }
}
