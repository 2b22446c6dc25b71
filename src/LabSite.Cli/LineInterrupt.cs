using System.Runtime.InteropServices;

namespace LabSite.Cli;

/// <summary>
/// Ctrl-C for the command-line lab shell, as a shell treats it: SIGINT interrupts the line that is running (its
/// token is cancelled, so <c>hubble observe -f</c> and <c>cilium-dbg monitor</c> end cleanly and say so) and the
/// prompt carries on; at an idle prompt it does nothing. <see cref="Interrupt"/> is what the signal does, callable
/// from tests.
/// </summary>
public sealed class LineInterrupt : IDisposable
{
    private readonly Lock _gate = new();
    private CancellationTokenSource? _line;
    private PosixSignalRegistration? _sigint;

    /// <summary>Starts taking SIGINT away from the runtime's default (ending the process).</summary>
    public static LineInterrupt ForSigint()
    {
        var interrupt = new LineInterrupt();
        interrupt._sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal =>
        {
            signal.Cancel = true;
            interrupt.Interrupt();
        });
        return interrupt;
    }

    /// <summary>A token for one line: cancelled by an interrupt while the line runs, or when <paramref name="ct"/> is.</summary>
    public CancellationTokenSource BeginLine(CancellationToken ct)
    {
        var line = CancellationTokenSource.CreateLinkedTokenSource(ct);
        lock (_gate)
        {
            _line = line;
        }
        return line;
    }

    public void Interrupt()
    {
        lock (_gate)
        {
            try
            {
                _line?.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The line ended as the signal arrived.
            }
        }
    }

    public void Dispose() => _sigint?.Dispose();
}
