using System.Runtime.CompilerServices;
using System.Text.Json;
using LabSite.Clusters.Contract;

namespace LabSite.Agent.Client;

/// <summary>Reads a streamed response one JSON object per line, as each line arrives.</summary>
internal static class NdjsonReader
{
    public static async IAsyncEnumerable<T> ReadAsync<T>(HttpResponseMessage response, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }
            T? frame;
            try
            {
                frame = JsonSerializer.Deserialize<T>(line, AgentProtocol.Json);
            }
            catch (JsonException e)
            {
                throw new ClusterException($"the agent sent a line that is not a {typeof(T).Name}: {e.Message}");
            }
            if (frame is not null)
            {
                yield return frame;
            }
        }
    }
}
