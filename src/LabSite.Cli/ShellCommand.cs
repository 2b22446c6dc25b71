using System.CommandLine;
using LabSite.Clusters.Contract;
using LabSite.Shell;
using LabSite.Shell.Parsing;

namespace LabSite.Cli;

/// <summary>
/// <c>labsite cluster shell &lt;name&gt; [-c LINE] [--workdir DIR]</c>: the lab shell (kubectl, cilium-dbg, hubble,
/// text tools) against one cluster. With <c>-c</c> it runs one line and exits with its status, for scripts and CI;
/// with stdin redirected it runs stdin as a script; otherwise it reads lines at a <c>$ </c> prompt.
/// A subcommand factory: the <c>cluster</c> command adds it and says how to reach a cluster by name.
/// </summary>
public static class ShellCommand
{
    /// <summary>Finds a cluster by name; throws <see cref="ClusterException"/> naming what is missing.</summary>
    public delegate Task<ILabCluster> ClusterResolver(System.CommandLine.ParseResult result, string name, CancellationToken ct);

    public static Command Create(ClusterResolver resolve)
    {
        var name = new Argument<string>("name") { Description = "The cluster's name." };
        var line = new Option<string?>("--command", "-c") { Description = "Run this line, print its output, exit with its status." };
        var workdir = new Option<string>("--workdir")
        {
            Description = "The lab folder: the only place files are read from or written to (default: the current folder).",
            DefaultValueFactory = _ => ".",
        };
        var command = new Command("shell", "Run the lab shell against a cluster (kubectl, cilium-dbg, hubble as learners type them).") { name, line, workdir };
        command.SetAction(async (result, ct) =>
        {
            ILabCluster cluster;
            try
            {
                cluster = await resolve(result, result.GetValue(name)!, ct);
            }
            catch (ClusterException e)
            {
                await Console.Error.WriteLineAsync($"labsite cluster shell: {e.Message}");
                return 1;
            }
            var session = new ShellSession(new WorkingFolder(result.GetValue(workdir)!), cluster, new ProcessToolRunner());
            using var interrupt = LineInterrupt.ForSigint();
            return await RunAsync(session, result.GetValue(line), Console.In, Console.Out, Console.Error, Console.IsInputRedirected, ct, interrupt);
        });
        return command;
    }

    /// <summary>
    /// The three ways to run: one line, a script from stdin, or a line-by-line prompt. <paramref name="interrupt"/>
    /// (Ctrl-C) interrupts the running line only; the prompt carries on.
    /// </summary>
    public static async Task<int> RunAsync(ShellSession session, string? line, TextReader stdin, TextWriter stdout, TextWriter stderr, bool stdinIsScript, CancellationToken ct, LineInterrupt? interrupt = null)
    {
        interrupt ??= new LineInterrupt();
        var interpreter = new ShellInterpreter(session);
        if (line is not null)
        {
            using var one = interrupt.BeginLine(ct);
            return await interpreter.RunAsync(line, stdout, stderr, one.Token, stdin);
        }
        if (stdinIsScript)
        {
            var text = await stdin.ReadToEndAsync(ct);
            using var script = interrupt.BeginLine(ct);
            return await interpreter.RunAsync(text, stdout, stderr, script.Token);
        }
        var pending = "";
        while (!session.ExitRequested)
        {
            await stdout.WriteAsync(pending.Length == 0 ? $"{session.Cluster?.Name ?? "lab"}$ " : "> ");
            await stdout.FlushAsync(ct);
            var typed = await stdin.ReadLineAsync(ct);
            if (typed is null)
            {
                break;
            }
            var text = pending.Length == 0 ? typed : pending + "\n" + typed;
            LabSite.Shell.Parsing.ParseResult? parsed = null;
            try
            {
                parsed = ShellParser.Parse(text);
            }
            catch (ShellSyntaxException)
            {
                // The interpreter reports it with the column.
            }
            if (parsed is { IsComplete: false })
            {
                pending = text;
                continue;
            }
            pending = "";
            if (text.Trim().Length > 0)
            {
                session.History.Add(text);
                using var running = interrupt.BeginLine(ct);
                await interpreter.RunAsync(text, stdout, stderr, running.Token);
            }
        }
        return interpreter.LastStatus;
    }
}
