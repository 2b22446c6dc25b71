namespace LabSite.Shell.Parsing;

/// <summary>
/// A line the lab shell cannot run, with the position of the offending character:
/// <c>column 12: command substitution $( ) is not supported ...</c>.
/// </summary>
public sealed class ShellSyntaxException(string reason, TextPosition position) : Exception($"{position}: {reason}")
{
    public string Reason { get; } = reason;

    public TextPosition Position { get; } = position;
}
