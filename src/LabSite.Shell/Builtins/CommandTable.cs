using LabSite.Shell.Bgp;
using LabSite.Shell.Bpftool;
using LabSite.Shell.Cilium;
using LabSite.Shell.Hubble;
using LabSite.Shell.LearnerBpf;
using LabSite.Shell.Node;
using LabSite.Shell.RealKubectl;
using LabSite.Shell.Tetra;

namespace LabSite.Shell.Builtins;

/// <summary>Every command the lab shell offers, by name.</summary>
public static class CommandTable
{
    public static IReadOnlyDictionary<string, IShellCommand> Create()
    {
        IShellCommand[] commands =
        [
            new EchoCommand(), new CatCommand(), new LsCommand(), new GrepCommand(), new HeadTailCommand(head: true),
            new HeadTailCommand(head: false), new WcCommand(), new SortCommand(), new JqCommand(), new ClearCommand(),
            new HelpCommand(), new HistoryCommand(), new ExitCommand(), new TrueFalseCommand(succeed: true), new TrueFalseCommand(succeed: false),
            new RealKubectlCommand(), new CiliumDbgCommand(), new HubbleCommand(), new BpftoolCommand(), new TetraCommand(),
            new CiliumCliCommand(), new RouterShellCommand(RouterShellCommand.VtyshName), new RouterShellCommand(RouterShellCommand.RouterName),
            new ClangCommand(), new BpfCommand(), new Auth.SpireServerCommand(), new NodeCommand(),
        ];
        return commands.ToDictionary(c => c.Name, StringComparer.Ordinal);
    }
}
