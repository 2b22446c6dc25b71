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
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public string TokenFor(ClusterSummary lab) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{lab.Name}\n{lab.CreatedAt.UtcTicks}")));

    public bool Matches(ClusterSummary lab, string token) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(TokenFor(lab)), Encoding.ASCII.GetBytes(token));
}
