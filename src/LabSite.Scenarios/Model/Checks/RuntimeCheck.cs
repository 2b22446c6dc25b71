namespace LabSite.Scenarios.Model.Checks;

/// <summary>
/// Passes when runtime-security events (Tetragon's, as <c>tetra getevents</c> shows them) matching <see cref="Filter"/>
/// were (or were not) seen in the check's window. With <see cref="Run"/>, the grader first runs that command in the
/// pod (as <c>kubectl exec</c> would) and only events from then on count: how a check tests enforcement live.
/// </summary>
/// <param name="MinCount">With <see cref="FlowExpectation.Exists"/>: how many matching events are needed (default 1).</param>
public sealed record RuntimeCheck(
    string Id,
    string Title,
    SourceLocation Location,
    RuntimeEventFilter Filter,
    FlowExpectation Expect,
    int MinCount,
    CheckWindow Window,
    IReadOnlyList<string>? Run) : CheckSpec(Id, Title, Location);

/// <summary>
/// Which events count; null properties match anything, set ones AND together.
/// </summary>
/// <param name="Pod">The pod(s) the process ran in.</param>
/// <param name="Event">The event type.</param>
/// <param name="Binary">The process's binary: a full path, or a base name matching any directory.</param>
/// <param name="Arguments">Text the process's arguments must contain.</param>
/// <param name="Parent">The parent's binary (exec events carry their parent), as <paramref name="Binary"/>.</param>
/// <param name="Path">LSM events: the file (or program) path, exactly.</param>
/// <param name="Policy">LSM events: the TracingPolicy's name.</param>
/// <param name="Action">LSM events: the action taken.</param>
/// <param name="Signal">Exit events: the signal that ended the process, e.g. <c>SIGKILL</c>.</param>
/// <param name="Status">Exit events: the exit status of a process that exited by itself.</param>
public sealed record RuntimeEventFilter(
    PodSelector Pod,
    RuntimeEventType? Event,
    string? Binary,
    string? Arguments,
    string? Parent,
    string? Path,
    string? Policy,
    RuntimeAction? Action,
    string? Signal,
    int? Status);

/// <summary>Tetragon's event types a lab checks: <c>process_exec</c>, <c>process_exit</c>, <c>process_lsm</c>.</summary>
public enum RuntimeEventType { Exec, Exit, Lsm }

/// <summary>A TracingPolicy action as events report it.</summary>
public enum RuntimeAction { Post, Sigkill, Override }
