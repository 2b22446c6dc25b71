using System.CommandLine;
using LabSite.Clusters.Kind;

namespace LabSite.Cli.Doctor;

/// <summary>
/// <c>labsite doctor [--clusters N]</c>: for each backend, what this host has and lacks, each gap with the command that
/// fixes it. Exits 1 when the default backend (netns) cannot run; kind's gaps are reported without failing, since
/// kind is optional. Kind's tool paths and node memory come from the <c>KindOptions__*</c> environment, as the agent reads them.
/// </summary>
public static class DoctorCommand
{
    public static Command Create()
    {
        var clusters = new Option<int>("--clusters") { Description = "How many clusters per backend the memory check plans for.", DefaultValueFactory = _ => 10 };
        var command = new Command("doctor", "Check what this host has for each cluster backend (netns, kind) and how to fix each gap.") { clusters };
        command.SetAction(async (result, ct) =>
        {
            var n = result.GetValue(clusters);
            if (n is < 1 or > 10000)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync($"labsite doctor: --clusters {n}: must be between 1 and 10000");
                return 2;
            }
            var checks = new HostChecks(KindOptionsFromEnvironment());
            var o = result.InvocationConfiguration.Output;
            var netns = checks.Netns(n);
            await o.WriteLineAsync("netns backend (default: network namespaces and our eBPF datapath)");
            foreach (var c in netns)
            {
                await o.WriteLineAsync(c.ToLine());
            }
            await o.WriteLineAsync("kind backend (optional: real Cilium in Docker; the agent offers it with KindOptions__Enabled=true)");
            var kind = await checks.KindAsync(n, ct);
            foreach (var c in kind)
            {
                await o.WriteLineAsync(c.ToLine());
            }
            var netnsOk = netns.All(c => c.Ok || !c.Required);
            var kindOk = kind.All(c => c.Ok || !c.Required);
            await o.WriteLineAsync($"netns: {(netnsOk ? "ready" : "cannot run")}; kind: {(kindOk ? "ready" : "cannot run")}");
            return netnsOk ? 0 : 1;
        });
        return command;
    }

    /// <summary>The agent's kind settings as it would read them (<c>KindOptions__Kind</c>, <c>KindOptions__NodeMemoryMiB</c>, ...).</summary>
    public static KindOptions KindOptionsFromEnvironment()
    {
        var options = new KindOptions();
        new ConfigurationBuilder().AddEnvironmentVariables().Build().GetSection(nameof(KindOptions)).Bind(options);
        return options;
    }
}
