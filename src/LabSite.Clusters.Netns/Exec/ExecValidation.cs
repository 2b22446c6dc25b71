namespace LabSite.Clusters.Netns.Exec;

/// <summary>
/// Checks an exec command before anything runs. The command is an argv (never parsed by a shell), so
/// <c>; rm -rf /</c> or <c>$(…)</c> in an argument is just text for the program; what is refused here is
/// a program outside the allow-list, NUL bytes (which would silently cut an argument), and oversized input.
/// </summary>
public static class ExecValidation
{
    public const int MaxArguments = 256;
    public const int MaxArgumentLength = 8192;
    public const int MaxTotalLength = 64 * 1024;

    /// <summary>
    /// Null when fine, else a kubectl-style error sentence naming the problem. <paramref name="imagePrograms"/> are the
    /// paths the pod's image adds (see <see cref="ImagePrograms"/>).
    /// </summary>
    public static string? Check(IReadOnlyList<string> command, IReadOnlyCollection<string>? imagePrograms = null)
    {
        if (command.Count == 0)
        {
            return "exec: no command given (usage: kubectl exec POD -- COMMAND [ARGS...])";
        }

        if (command.Count > MaxArguments)
        {
            return $"exec: {command.Count} arguments given; at most {MaxArguments} are allowed";
        }

        var total = 0;
        for (var i = 0; i < command.Count; i++)
        {
            var a = command[i];
            if (a.Contains('\0'))
            {
                return $"exec: argument {i} contains a NUL byte";
            }

            if (a.Length > MaxArgumentLength)
            {
                return $"exec: argument {i} is {a.Length} characters long; at most {MaxArgumentLength} are allowed";
            }

            total += a.Length;
        }

        if (total > MaxTotalLength)
        {
            return $"exec: the command is {total} characters long; at most {MaxTotalLength} are allowed";
        }

        if (ExecAllowList.Resolve(command[0]) is null && imagePrograms?.Contains(command[0]) != true)
        {
            var shown = command[0].Length > 60 ? command[0][..60] + "..." : command[0];
            return $"exec: \"{shown}\": executable not available in this lab sandbox; available: {string.Join(", ", ExecAllowList.Names.Order().Concat(imagePrograms ?? []))}";
        }

        return null;
    }
}
