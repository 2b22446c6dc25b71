namespace LabSite.Shell.Parsing;

/// <summary>
/// What parsing a line gave: a command list, or "incomplete" (an open quote, a trailing <c>|</c> or <c>&amp;&amp;</c>,
/// a here-document still waiting for its delimiter) so a terminal can ask for another line with <c>&gt; </c>.
/// Real syntax errors are thrown as <see cref="ShellSyntaxException"/>.
/// </summary>
public sealed record ParseResult(CommandList? Commands, string? IncompleteReason)
{
    public bool IsComplete => Commands is not null;

    public static ParseResult Complete(CommandList commands) => new(commands, null);

    public static ParseResult Incomplete(string reason) => new(null, reason);
}
