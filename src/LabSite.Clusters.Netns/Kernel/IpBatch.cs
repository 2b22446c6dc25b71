using System.Text;

namespace LabSite.Clusters.Netns.Kernel;

/// <summary>
/// Collects iproute2 commands and runs them in one <c>ip -batch -</c> process per network namespace
/// (one process per object would cost milliseconds each; a lab has dozens of objects).
/// Arguments are our own generated names and addresses, never user text.
/// </summary>
internal sealed class IpBatch(string? netns)
{
    private readonly StringBuilder _script = new();

    public string? Netns { get; } = netns;

    public int Count { get; private set; }

    public IpBatch Add(string command)
    {
        _script.Append(command).Append('\n');
        Count++;
        return this;
    }

    public async Task RunAsync(string stage, CancellationToken ct)
    {
        if (Count == 0)
        {
            return;
        }

        string[] args = Netns is null ? ["-batch", "-"] : ["-n", Netns, "-batch", "-"];
        await CommandRunner.RunCheckedAsync(stage, "ip", args, _script.ToString(), ct);
    }
}
