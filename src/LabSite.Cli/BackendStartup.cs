using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns;

namespace LabSite.Cli;

/// <summary>
/// Prepares every backend when the agent starts, before it serves requests: the netns backend creates its
/// roots and removes what a crashed agent left behind; other backends collect garbage.
/// </summary>
internal sealed class BackendStartup(IEnumerable<IClusterBackend> backends, ILogger<BackendStartup> log) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        foreach (var backend in backends)
        {
            var report = backend is NetnsBackend netns ? await netns.StartAsync(ct) : await backend.CollectGarbageAsync(ct);
            log.LogInformation("backend {Backend} ready; removed {Total} leftovers of crashed labs", backend.Name, report.Total);
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
