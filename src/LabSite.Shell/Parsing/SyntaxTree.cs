namespace LabSite.Shell.Parsing;

/// <summary>A position in the typed text; both 1-based, as error messages print them.</summary>
public readonly record struct TextPosition(int Line, int Column)
{
    public override string ToString() => Line == 1 ? $"column {Column}" : $"line {Line}, column {Column}";
}

/// <summary>One word after quote removal. Nothing is ever expanded: the lab shell has no variables or globs.</summary>
public sealed record Word(string Text, TextPosition Position);

public enum RedirectKind
{
    /// <summary><c>&gt; file</c> (or <c>2&gt; file</c>): truncate and write.</summary>
    Write,

    /// <summary><c>&gt;&gt; file</c>: append.</summary>
    Append,

    /// <summary><c>&lt; file</c>: read stdin from a file.</summary>
    Read,

    /// <summary><c>&lt;&lt;EOF</c>: stdin is the here-document body.</summary>
    HereDocument,

    /// <summary><c>2&gt;&amp;1</c>: stderr goes where stdout goes.</summary>
    StderrToStdout,
}

/// <summary>A redirection. <see cref="Stream"/> is 1 (stdout), 2 (stderr) or 0 (stdin).</summary>
public sealed record Redirect(RedirectKind Kind, int Stream, string Target, TextPosition Position);

/// <summary><c>kubectl get pods -n kube-system &gt; pods.txt</c>: words plus redirections.</summary>
public sealed record SimpleCommand(IReadOnlyList<Word> Words, IReadOnlyList<Redirect> Redirects)
{
    public string Name => Words.Count > 0 ? Words[0].Text : "";

    public IEnumerable<string> Arguments => Words.Skip(1).Select(w => w.Text);
}

/// <summary><c>a | b | c</c>.</summary>
public sealed record Pipeline(IReadOnlyList<SimpleCommand> Commands);

/// <summary>How a pipeline is joined to the one before it.</summary>
public enum Connector
{
    /// <summary>First in the list, or after <c>;</c> or a newline: always runs.</summary>
    Always,

    /// <summary><c>&amp;&amp;</c>: runs when the previous status was 0.</summary>
    IfSucceeded,

    /// <summary><c>||</c>: runs when the previous status was not 0.</summary>
    IfFailed,
}

public sealed record ListItem(Connector Connector, Pipeline Pipeline);

/// <summary>A whole typed line (or script): pipelines joined by <c>&amp;&amp;</c>, <c>||</c>, <c>;</c> and newlines.</summary>
public sealed record CommandList(IReadOnlyList<ListItem> Items)
{
    public bool IsEmpty => Items.Count == 0;
}
