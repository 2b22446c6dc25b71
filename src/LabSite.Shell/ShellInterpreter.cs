using LabSite.Shell.Parsing;

namespace LabSite.Shell;

/// <summary>
/// Runs parsed lines: <c>&amp;&amp;</c>/<c>||</c>/<c>;</c> sequencing, pipelines, redirections to the lab folder.
/// Pipeline stages run one after another over buffered text (lab output is small, and this keeps every stage's
/// cancellation and errors simple); only the last stage writes to the terminal as it goes.
/// </summary>
public sealed class ShellInterpreter(ShellSession session)
{
    /// <summary>Cap on what one stage hands the next, or a redirection writes.</summary>
    public const int MaxStageChars = 16 * 1024 * 1024;

    public const int CommandNotFound = 127;
    public const int Interrupted = 130;

    /// <summary>Status of the last pipeline run, as <c>$?</c> would show it.</summary>
    public int LastStatus { get; private set; }

    /// <summary>
    /// <c>set -e</c>: stop at the first pipeline that fails, unless a <c>&amp;&amp;</c> or <c>||</c> after it tests its
    /// status (POSIX's rule). Scripts run for a learner (solutions, restores) use it so a broken line is not hidden by a
    /// later one that succeeds.
    /// </summary>
    public bool ExitOnError { get; init; }

    /// <summary>Parses and runs text that must be complete; syntax errors go to stderr with status 2.</summary>
    public async Task<int> RunAsync(string text, TextWriter stdout, TextWriter stderr, CancellationToken ct, TextReader? stdin = null)
    {
        CommandList commands;
        try
        {
            commands = ShellParser.ParseComplete(text);
        }
        catch (ShellSyntaxException e)
        {
            await stderr.WriteLineAsync($"labsh: {e.Message}");
            return LastStatus = 2;
        }
        return await RunAsync(commands, stdout, stderr, ct, stdin);
    }

    public async Task<int> RunAsync(CommandList commands, TextWriter stdout, TextWriter stderr, CancellationToken ct, TextReader? stdin = null)
    {
        for (var i = 0; i < commands.Items.Count; i++)
        {
            var item = commands.Items[i];
            var run = item.Connector switch
            {
                Connector.IfSucceeded => LastStatus == 0,
                Connector.IfFailed => LastStatus != 0,
                _ => true,
            };
            if (!run)
            {
                continue;
            }
            if (ct.IsCancellationRequested)
            {
                return LastStatus = Interrupted;
            }
            LastStatus = await RunPipelineAsync(item.Pipeline, stdout, stderr, stdin, ct);
            var tested = i + 1 < commands.Items.Count && commands.Items[i + 1].Connector != Connector.Always;
            if (ExitOnError && LastStatus != 0 && !tested)
            {
                return LastStatus;
            }
        }
        return LastStatus;
    }

    private async Task<int> RunPipelineAsync(Pipeline pipeline, TextWriter terminalOut, TextWriter terminalErr, TextReader? terminalIn, CancellationToken ct)
    {
        string? piped = null;
        var status = 0;
        for (var i = 0; i < pipeline.Commands.Count; i++)
        {
            var command = pipeline.Commands[i];
            var last = i == pipeline.Commands.Count - 1;
            var stageOut = last ? null : new BoundedWriter(MaxStageChars);
            status = await RunCommandAsync(command, piped, stageOut ?? terminalOut, terminalErr, terminalIn, ct);
            piped = stageOut?.ToString();
            if (ct.IsCancellationRequested)
            {
                return Interrupted;
            }
        }
        return status;
    }

    private async Task<int> RunCommandAsync(SimpleCommand command, string? piped, TextWriter stdout, TextWriter stderr, TextReader? terminalIn, CancellationToken ct)
    {
        if (!session.Commands.TryGetValue(command.Name, out var implementation))
        {
            await stderr.WriteLineAsync(NotFound(command.Name));
            return CommandNotFound;
        }

        TextReader stdin = piped is not null ? new StringReader(piped) : terminalIn ?? new StringReader("");
        var stdinIsTerminal = piped is null;
        BoundedWriter? fileOut = null, fileErr = null;
        Redirect? outTarget = null, errTarget = null;
        var errToOut = false;
        try
        {
            foreach (var redirect in command.Redirects)
            {
                switch (redirect.Kind)
                {
                    case RedirectKind.HereDocument:
                        stdin = new StringReader(redirect.Target);
                        stdinIsTerminal = false;
                        break;
                    case RedirectKind.Read:
                        stdin = new StringReader(session.Folder.ReadAllText(redirect.Target));
                        stdinIsTerminal = false;
                        break;
                    case RedirectKind.StderrToStdout:
                        errToOut = true;
                        break;
                    case RedirectKind.Write or RedirectKind.Append when redirect.Stream == 2:
                        session.Folder.Resolve(redirect.Target == WorkingFolder.DevNull ? "." : redirect.Target);
                        errTarget = redirect;
                        fileErr = new BoundedWriter(WorkingFolder.MaxFileBytes);
                        break;
                    default:
                        session.Folder.Resolve(redirect.Target == WorkingFolder.DevNull ? "." : redirect.Target);
                        outTarget = redirect;
                        fileOut = new BoundedWriter(WorkingFolder.MaxFileBytes);
                        break;
                }
            }
        }
        catch (ShellPathException e)
        {
            await stderr.WriteLineAsync($"labsh: {e.Message}");
            return 1;
        }

        var commandOut = fileOut ?? stdout;
        var commandErr = errToOut ? commandOut : fileErr ?? stderr;
        var context = new CommandContext
        {
            Args = command.Arguments.ToArray(),
            Stdin = stdin,
            StdinIsTerminal = stdinIsTerminal,
            Stdout = commandOut,
            Stderr = commandErr,
            Session = session,
            Cancellation = ct,
        };
        int status;
        try
        {
            status = await implementation.RunAsync(context);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            status = Interrupted;
        }
        catch (OutputLimitException e)
        {
            await stderr.WriteLineAsync($"{command.Name}: {e.Message}");
            status = 1;
        }
        catch (ShellPathException e)
        {
            await commandErr.WriteLineAsync($"{command.Name}: {e.Message}");
            status = 1;
        }

        try
        {
            if (outTarget is not null)
            {
                session.Folder.Write(outTarget.Target, fileOut!.ToString(), outTarget.Kind == RedirectKind.Append);
            }
            if (errTarget is not null)
            {
                session.Folder.Write(errTarget.Target, fileErr!.ToString(), errTarget.Kind == RedirectKind.Append);
            }
        }
        catch (ShellPathException e)
        {
            await stderr.WriteLineAsync($"labsh: {e.Message}");
            return 1;
        }
        return status;
    }

    private static string NotFound(string name)
    {
        var shown = new string(name.Select(c => char.IsControl(c) ? '?' : c).Take(80).ToArray());
        return $"labsh: {shown}: command not found (type 'help' to see the commands of this lab shell)";
    }
}
