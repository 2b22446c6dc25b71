using Microsoft.Extensions.Options;

namespace LabSite.Web.Clusters.Pool;

/// <summary>Runs <see cref="WarmPool.FillAsync"/> every <see cref="WarmPoolOptions.RefillInterval"/>, or at once after a claim.</summary>
public sealed class WarmPoolFiller(WarmPool pool, IOptions<WarmPoolOptions> options, TimeProvider clock, ILogger<WarmPoolFiller> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await pool.FillAsync(stoppingToken);
                using var interval = new CancellationTokenSource(options.Value.RefillInterval, clock);
                using var either = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, interval.Token);
                await pool.Wake.WaitAsync(either.Token);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (OperationCanceledException)
            {
                // The interval passed without a claim: look again.
            }
            catch (Exception e)
            {
                // An agent briefly unreachable must not end the pool for the life of the site.
                log.LogWarning(e, "Filling the warm pool failed; trying again in {Interval}", options.Value.RefillInterval);
                await Task.Delay(options.Value.RefillInterval, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Unclaimed clusters are nobody's: they go with the site rather than wait for a next run to clear them.
        await pool.DrainAsync(cancellationToken);
    }
}
