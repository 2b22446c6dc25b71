namespace LabSite.Shell.Parsing;

internal enum TokenKind
{
    Word,
    Pipe,
    AndIf,
    OrIf,
    Semicolon,
    Newline,
    Great,
    DoubleGreat,
    Less,
    DoubleLess,
    DoubleLessDash,
    ErrToOut,
    End,
}

/// <summary>
/// One lexical token. <see cref="Stream"/> carries the descriptor written before a redirection (<c>2&gt;</c>);
/// a here-document's delimiter word carries its body once the lexer has read the following lines.
/// </summary>
internal sealed class Token(TokenKind kind, string text, TextPosition position)
{
    public TokenKind Kind { get; } = kind;

    public string Text { get; } = text;

    public TextPosition Position { get; } = position;

    public int Stream { get; init; } = -1;

    public bool Quoted { get; init; }

    public string? HereDocumentBody { get; set; }
}
