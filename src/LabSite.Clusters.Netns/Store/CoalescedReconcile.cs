namespace LabSite.Clusters.Netns.Store;

/// <summary>
/// The reconcile loop of an agent that follows the store (BGP, IPsec, ingress): <see cref="Schedule"/> queues one pass
/// off the store's dispatch thread, and changes that arrive while it is queued coalesce into it (the pass reads the
/// store's latest state); every pass holds <see cref="Gate"/>, which the agent's own readers and writers take too.
/// What a failed pass records is the agent's business: exceptions other than cancellation propagate from the pass.
/// </summary>
internal sealed class CoalescedReconcile(Func<CancellationToken, Task> pass) : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private int _pending;
    private Task _background = Task.CompletedTask;

    /// <summary>One pass, reader or writer at a time.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Queues a pass unless one is queued already.</summary>
    public void Schedule()
    {
        if (Interlocked.Exchange(ref _pending, 1) == 0)
        {
            _background = Task.Run(async () =>
            {
                try
                {
                    await RunAsync(_stopping.Token);
                }
                catch (OperationCanceledException)
                {
                }
            });
        }
    }

    /// <summary>Runs a pass now (tests and readers that need the latest state); nothing once stopping.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        await Gate.WaitAsync(ct);
        try
        {
            Interlocked.Exchange(ref _pending, 0);
            if (_stopping.IsCancellationRequested)
            {
                return;
            }
            await pass(ct);
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Stops queued passes and waits for the running one; the caller then takes <see cref="Gate"/> to tear down.</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        await _background.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    public void Dispose() => _stopping.Dispose();
}
