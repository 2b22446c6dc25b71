using System.Text;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;

namespace LabSite.Clusters.Netns.Tests.Datapath.Reachability;

/// <summary>
/// Runs Specs/PolicyReachability.md on a real netns lab: each case's policies and label changes go in as a user
/// would put them (manifests, kubectl), and every cell of its matrices is decided by a real TCP, UDP or ICMP
/// exchange through the eBPF datapath, cells of one matrix in parallel. A mismatch prints the whole matrix
/// (expected vs observed) and the flows of the case.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class PolicyReachabilityPrivilegedTests(ReachabilityWorld world) : IClassFixture<ReachabilityWorld>
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in ReachabilitySpec.Load(ReachabilityWorld.SpecPath).Cases)
        {
            data.Add(c.Name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Matrix_holds_for_real_connections(string name)
    {
        var spec = world.Spec.Cases.Single(c => c.Name == name);
        await world.ResetAsync();
        var since = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
        var where = $"{world.SpecFile}:{spec.Line}: case \"{name}\"";
        foreach (var step in spec.Steps)
        {
            switch (step)
            {
                case ManifestStep m:
                    await ApplyAsync(m);
                    break;
                case ShellStep s:
                    foreach (var (line, command) in s.Commands)
                    {
                        var (status, output) = await world.RunAsync(world.Expand(command, line));
                        Assert.True(status == 0, $"{world.SpecFile}:{line}: {command}: exit {status}\n{output}");
                    }
                    await world.Cluster.WaitUntilSettledAsync(CancellationToken.None);
                    break;
                case MatrixStep matrix:
                    await ProbeAsync(where, matrix, since);
                    break;
            }
        }
    }

    [Fact]
    public async Task A_refused_probe_is_neither_allow_nor_deny()
    {
        await world.ResetAsync();
        var web = world.Endpoint("prod/web");
        var api = world.Endpoint("prod/api");
        // Nothing listens on 9999: the peer's kernel answers RST / port unreachable, which proves nothing about policy.
        var tcp = await world.Prober.ProbeAsync(web, api, 9999, ProbeProtocol.TCP);
        var udp = await world.Prober.ProbeAsync(web, api, 9999, ProbeProtocol.UDP);

        Assert.Equal((ProbeResult.Failed, ProbeResult.Failed), (tcp.Result, udp.Result));
        Assert.Contains("ConnectionRefused", tcp.Detail);
        Assert.Contains("ConnectionRefused", udp.Detail);
        var cell = new ProbeCell("prod/web", "prod/api", 9999, ProbeProtocol.TCP, true, null, 1);
        Assert.False(tcp.Satisfies(cell) || tcp.Satisfies(cell with { Allow = false }));
    }

    private async Task ApplyAsync(ManifestStep step)
    {
        var errorBefore = world.Cluster.Policy!.LastError;
        var source = $"{world.SpecFile}:{step.Line}";
        var result = await world.Cluster.ApplyAsync(new ManifestText(world.Expand(step.Yaml, step.Line), source), step.Delete ? ApplyMode.Delete : ApplyMode.Apply, CancellationToken.None);
        Assert.True(result.Succeeded, $"{source}: {string.Join("\n", result.Errors)}");
        await world.Cluster.WaitUntilSettledAsync(CancellationToken.None);
        var errorAfter = world.Cluster.Policy.LastError;
        Assert.True(errorAfter == errorBefore, $"{source}: the policy agent failed: {errorAfter}");
    }

    private async Task ProbeAsync(string where, MatrixStep matrix, Timestamp since)
    {
        var outcomes = await Task.WhenAll(matrix.Cells.Select(c =>
            world.Prober.ProbeAsync(world.Endpoint(c.From), world.Endpoint(c.To), c.Port, c.Protocol)));
        if (matrix.Cells.Zip(outcomes).All(x => x.Second.Satisfies(x.First)))
        {
            return;
        }

        var report = new StringBuilder($"{where}: matrix at line {matrix.Line} does not hold\n");
        var width = matrix.Cells.Max(c => c.Key.Length);
        foreach (var (cell, outcome) in matrix.Cells.Zip(outcomes))
        {
            var mark = outcome.Satisfies(cell) ? "  " : "✗ ";
            report.Append(mark).Append(cell.Key.PadRight(width)).Append("  expected ").Append(cell.ExpectedText.PadRight(8))
                .Append("  observed ").Append(outcome).Append(outcome.Detail is { } d ? $" [{d}]" : "").Append($"  (line {cell.Line})\n");
        }
        var addresses = matrix.Cells.SelectMany(c => new[] { c.From, c.To }).Distinct().Select(n => world.Endpoint(n).Address.ToString()).ToHashSet();
        var flows = world.Cluster.Policy!.Flows.History(last: null, since: since)
            .Where(r => r.Flow.IP is { } ip && addresses.Contains(ip.Source) && addresses.Contains(ip.Destination))
            .TakeLast(80)
            .ToList();
        report.Append($"flows of the case ({flows.Count}, last 80):\n");
        foreach (var r in flows)
        {
            report.Append("  ").Append(FlowPrinter.Compact(r).TrimEnd()).Append('\n');
        }
        Assert.Fail(report.ToString());
    }
}
