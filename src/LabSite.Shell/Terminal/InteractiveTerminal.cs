using LabSite.Clusters.Contract;

namespace LabSite.Shell.Terminal;

/// <summary>
/// The terminal a lab shell runs on, which a command may take over whole for an interactive program
/// (<c>kubectl exec -it POD -- sh</c>): for as long as the program runs, every key the learner types (Ctrl-C and Ctrl-D
/// too) goes to it unedited, what it prints reaches the screen as is, and resizes reach its window; when it ends, the
/// lab shell has the terminal back and shows its prompt. Any command can use it, not only the lab shell's kubectl.
/// </summary>
public interface IInteractiveTerminal
{
    /// <summary>
    /// Runs <paramref name="program"/> attached to this terminal and returns its exit code. Keys typed before the
    /// hand-over and not yet read by the lab shell go to the program first, as a real terminal buffers them.
    /// </summary>
    Task<int> AttachAsync(Func<TerminalAttachment, CancellationToken, Task<int>> program, CancellationToken ct);
}

/// <summary>
/// What an attached program gets: <see cref="Keys"/> (bytes as typed; ends when the lab shell is closed),
/// <see cref="Screen"/> (bytes written go to the terminal verbatim), <see cref="Window"/> (size now and each resize).
/// </summary>
public sealed record TerminalAttachment(Stream Keys, Stream Screen, ExecTerminal Window);
