namespace LabSite.Shell;

/// <summary>A command the lab shell runs (a builtin, kubectl, cilium-dbg, hubble). Returns its exit status.</summary>
public interface IShellCommand
{
    /// <summary>The name typed at the prompt.</summary>
    string Name { get; }

    /// <summary>One line for <c>help</c>.</summary>
    string Summary { get; }

    Task<int> RunAsync(CommandContext context);
}

/// <summary>
/// What one command in a pipeline sees: its arguments (without the name), stdin, stdout, stderr and the session.
/// Cancellation comes from Ctrl-C; a command must stop soon after and return 130.
/// </summary>
public sealed class CommandContext
{
    public required IReadOnlyList<string> Args { get; init; }

    public required TextReader Stdin { get; init; }

    /// <summary>True when stdin is the terminal (nothing to read: commands do not read typed input) rather than a pipe, file or here-document.</summary>
    public bool StdinIsTerminal { get; init; }

    /// <summary>The terminal to hand to an interactive program (<c>kubectl exec -it</c>): only when stdin is the session's terminal.</summary>
    public Terminal.IInteractiveTerminal? Terminal => StdinIsTerminal ? Session.Terminal : null;

    public required TextWriter Stdout { get; init; }

    public required TextWriter Stderr { get; init; }

    public required ShellSession Session { get; init; }

    public CancellationToken Cancellation { get; init; }

    /// <summary>
    /// What <c>cilium-dbg</c> and <c>hubble</c> ask: inside a node's Cilium agent pod (<c>kubectl -n kube-system exec
    /// cilium-xxxxx -- ...</c>) that node's agent, else the session's cluster (all nodes, as Hubble Relay); null when the
    /// cluster offers no inspection.
    /// </summary>
    public Clusters.Contract.IClusterInspector? Inspector => AgentInspector ?? Session.Cluster as Clusters.Contract.IClusterInspector;

    /// <summary>The agent a command runs in when it runs in a Cilium agent pod; null in the lab shell itself.</summary>
    public Clusters.Contract.IClusterInspector? AgentInspector { get; init; }

    /// <summary>A copy for a sub-command (kubectl exec ds/cilium -- cilium-dbg ...).</summary>
    public CommandContext With(IReadOnlyList<string> args, Clusters.Contract.IClusterInspector? agent = null) => new()
    {
        Args = args,
        Stdin = Stdin,
        StdinIsTerminal = StdinIsTerminal,
        Stdout = Stdout,
        Stderr = Stderr,
        Session = Session,
        Cancellation = Cancellation,
        AgentInspector = agent ?? AgentInspector,
    };
}
