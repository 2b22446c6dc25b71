using LabSite.Clusters.Contract;
using LabSite.Shell.Builtins;
using LabSite.Shell.Terminal;

namespace LabSite.Shell;

/// <summary>
/// One learner's shell state: the lab folder, the cluster (null until one is up), command history and the
/// commands on offer. Shared by every line the learner runs; not thread-safe (one line runs at a time).
/// </summary>
public sealed class ShellSession
{
    public ShellSession(WorkingFolder folder, ILabCluster? cluster, IToolRunner tools, TimeProvider? clock = null)
    {
        Folder = folder;
        Cluster = cluster;
        Tools = tools;
        Clock = clock ?? TimeProvider.System;
        History = new ShellHistory(folder);
        Commands = CommandTable.Create();
    }

    public WorkingFolder Folder { get; }

    public ILabCluster? Cluster { get; }

    public IToolRunner Tools { get; }

    public TimeProvider Clock { get; }

    public ShellHistory History { get; }

    public IReadOnlyDictionary<string, IShellCommand> Commands { get; }

    /// <summary>The terminal the learner types into, when the session has one (null for scripts and solution runs).</summary>
    public IInteractiveTerminal? Terminal { get; set; }

    /// <summary>Set by <c>exit</c>; the terminal closes after the current line.</summary>
    public bool ExitRequested { get; set; }
}
