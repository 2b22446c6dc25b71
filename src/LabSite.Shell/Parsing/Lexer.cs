using System.Text;

namespace LabSite.Shell.Parsing;

/// <summary>
/// Splits shell text into tokens with POSIX quoting: '...' is literal, "..." keeps \ only before $ ` " \ and newline,
/// an unquoted \ escapes the next character. Anything that would expand in a real shell ($VAR, $( ), backticks,
/// ${ }) is refused rather than passed on literally, so a command never silently means something else than in the docs.
/// </summary>
internal sealed class Lexer
{
    private readonly string _text;
    private int _index;
    private int _line = 1;
    private int _lineStart;
    private readonly List<Token> _tokens = [];
    private readonly Queue<(Token Delimiter, bool StripTabs)> _pendingHereDocuments = new();
    private bool _expectHereDocumentDelimiter;
    private bool _stripTabs;

    public Lexer(string text) => _text = text;

    /// <summary>Tokens, or null plus a reason when the text stops in the middle of something.</summary>
    public (List<Token>? Tokens, string? Incomplete) Run()
    {
        while (true)
        {
            SkipBlanks();
            if (_index >= _text.Length)
            {
                if (_pendingHereDocuments.Count > 0)
                {
                    return (null, $"here-document waits for its end line \"{_pendingHereDocuments.Peek().Delimiter.Text}\"");
                }
                _tokens.Add(new Token(TokenKind.End, "", Position()));
                return (_tokens, null);
            }
            var c = _text[_index];
            if (c == '#')
            {
                while (_index < _text.Length && _text[_index] != '\n')
                {
                    _index++;
                }
                continue;
            }
            if (c == '\n')
            {
                _tokens.Add(new Token(TokenKind.Newline, "\n", Position()));
                NewLine();
                if (_pendingHereDocuments.Count > 0 && ReadHereDocumentBodies() is { } waiting)
                {
                    return (null, waiting);
                }
                continue;
            }
            if (c == '\\' && Peek(1) == '\n')
            {
                _index++;
                NewLine();
                continue;
            }
            var expectingDelimiter = _expectHereDocumentDelimiter;
            if (ReadOperator() is { } op)
            {
                if (expectingDelimiter)
                {
                    throw new ShellSyntaxException("a here-document needs a delimiter word after <<, e.g. <<EOF", op.Position);
                }
                _tokens.Add(op);
                continue;
            }
            var (word, incomplete) = ReadWord();
            if (incomplete is not null)
            {
                return (null, incomplete);
            }
            _tokens.Add(word!);
            if (_expectHereDocumentDelimiter)
            {
                _pendingHereDocuments.Enqueue((word!, _stripTabs));
                _expectHereDocumentDelimiter = false;
            }
        }
    }

    private char Peek(int ahead) => _index + ahead < _text.Length ? _text[_index + ahead] : '\0';

    private TextPosition Position() => new(_line, _index - _lineStart + 1);

    private void NewLine()
    {
        _index++;
        _line++;
        _lineStart = _index;
    }

    private void SkipBlanks()
    {
        while (_index < _text.Length && (_text[_index] == ' ' || _text[_index] == '\t' || _text[_index] == '\r'))
        {
            _index++;
        }
    }

    private Token? ReadOperator()
    {
        var at = Position();
        var c = _text[_index];
        // "2>" and "2>>" only when the digit stands alone before the operator, as in sh.
        var stream = -1;
        if (c is '1' or '2' && Peek(1) == '>' && (_index == 0 || IsBreak(_text[_index - 1])))
        {
            stream = c - '0';
            _index++;
            c = '>';
        }
        Token Take(TokenKind kind, int length, int fd = -1)
        {
            var text = _text.Substring(_index, length);
            _index += length;
            return new Token(kind, text, at) { Stream = fd };
        }
        switch (c)
        {
            case '|' when Peek(1) == '|': return Take(TokenKind.OrIf, 2);
            case '|' when Peek(1) == '&': throw new ShellSyntaxException("|& is not supported; use 2>&1 |", at);
            case '|': return Take(TokenKind.Pipe, 1);
            case '&' when Peek(1) == '&': return Take(TokenKind.AndIf, 2);
            case '&': throw new ShellSyntaxException("background jobs (&) are not supported in the lab shell", at);
            case ';' when Peek(1) == ';': throw new ShellSyntaxException("unexpected ;;", at);
            case ';': return Take(TokenKind.Semicolon, 1);
            case '(' or ')': throw new ShellSyntaxException($"subshells and groups ( ) are not supported (found '{c}'); quote it if you meant the character", at);
            case '>' when Peek(1) == '&' && Peek(2) == '1' && stream == 2: return Take(TokenKind.ErrToOut, 3, 2);
            case '>' when Peek(1) == '&': throw new ShellSyntaxException("only 2>&1 is supported among >& redirections", at);
            case '>' when Peek(1) == '>': return Take(TokenKind.DoubleGreat, 2, stream < 0 ? 1 : stream);
            case '>' when Peek(1) == '|': throw new ShellSyntaxException(">| is not supported; use >", at);
            case '>': return Take(TokenKind.Great, 1, stream < 0 ? 1 : stream);
            case '<' when Peek(1) == '<' && Peek(2) == '<': throw new ShellSyntaxException("here-strings (<<<) are not supported; use echo ... |", at);
            case '<' when Peek(1) == '<' && Peek(2) == '-':
                _expectHereDocumentDelimiter = true;
                _stripTabs = true;
                return Take(TokenKind.DoubleLessDash, 3, 0);
            case '<' when Peek(1) == '<':
                _expectHereDocumentDelimiter = true;
                _stripTabs = false;
                return Take(TokenKind.DoubleLess, 2, 0);
            case '<' when Peek(1) == '(': throw new ShellSyntaxException("process substitution <( ) is not supported", at);
            case '<' when Peek(1) is '>' or '&': throw new ShellSyntaxException($"<{Peek(1)} redirections are not supported", at);
            case '<': return Take(TokenKind.Less, 1, 0);
        }
        if (stream >= 0)
        {
            _index--;
        }
        return null;
    }

    private static bool IsBreak(char c) => c is ' ' or '\t' or '\n' or '\r' or ';' or '|' or '&';

    private static bool IsWordEnd(char c) => c is ' ' or '\t' or '\n' or '\r' or ';' or '|' or '&' or '<' or '>' or '(' or ')';

    private (Token? Word, string? Incomplete) ReadWord()
    {
        var start = Position();
        var text = new StringBuilder();
        var quoted = false;
        while (_index < _text.Length && !IsWordEnd(_text[_index]))
        {
            var c = _text[_index];
            var at = Position();
            switch (c)
            {
                case '\'':
                    quoted = true;
                    var close = _text.IndexOf('\'', _index + 1);
                    if (close < 0)
                    {
                        return (null, $"unterminated ' opened at {at}");
                    }
                    AppendCounting(text, _index + 1, close);
                    _index = close + 1;
                    break;
                case '"':
                    quoted = true;
                    if (ReadDoubleQuoted(text, at) is { } open)
                    {
                        return (null, open);
                    }
                    break;
                case '\\':
                    quoted = true;
                    if (_index + 1 >= _text.Length)
                    {
                        return (null, "line ends with \\");
                    }
                    text.Append(_text[_index + 1]);
                    _index += 2;
                    break;
                case '`':
                    throw Substitution("command substitution with backticks", at);
                case '$':
                    RefuseDollar(at);
                    text.Append('$');
                    _index++;
                    break;
                default:
                    text.Append(c);
                    _index++;
                    break;
            }
        }
        return (new Token(TokenKind.Word, text.ToString(), start) { Quoted = quoted }, null);
    }

    private string? ReadDoubleQuoted(StringBuilder text, TextPosition open)
    {
        _index++;
        while (_index < _text.Length)
        {
            var c = _text[_index];
            var at = Position();
            if (c == '"')
            {
                _index++;
                return null;
            }
            if (c == '\\' && _index + 1 < _text.Length && Peek(1) is '$' or '`' or '"' or '\\' or '\n')
            {
                if (Peek(1) == '\n')
                {
                    _index++;
                    NewLine();
                    continue;
                }
                text.Append(Peek(1));
                _index += 2;
                continue;
            }
            if (c == '`')
            {
                throw Substitution("command substitution with backticks", at);
            }
            if (c == '$')
            {
                RefuseDollar(at);
            }
            text.Append(c);
            if (c == '\n')
            {
                NewLine();
            }
            else
            {
                _index++;
            }
        }
        return $"unterminated \" opened at {open}";
    }

    /// <summary>Refuses a $ that a real shell would expand; a lone $ (before a blank, quote or the end) stays literal.</summary>
    private void RefuseDollar(TextPosition at)
    {
        var next = Peek(1);
        if (next == '(')
        {
            throw Substitution(Peek(2) == '(' ? "arithmetic expansion $(( ))" : "command substitution $( )", at);
        }
        if (next == '{')
        {
            throw Substitution("parameter expansion ${ }", at);
        }
        if (char.IsAsciiLetterOrDigit(next) || next is '_' or '?' or '$' or '#' or '!' or '@' or '*' or '-')
        {
            var name = new string(_text.Skip(_index + 1).TakeWhile(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_').ToArray());
            throw Substitution($"variable ${(name.Length > 0 ? name : next.ToString())}", at);
        }
    }

    private static ShellSyntaxException Substitution(string what, TextPosition at) =>
        new($"{what} is not supported: the lab shell expands nothing; type the value itself, or put it in single quotes to mean it literally", at);

    private void AppendCounting(StringBuilder text, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            text.Append(_text[i]);
            if (_text[i] == '\n')
            {
                _line++;
                _lineStart = i + 1;
            }
        }
    }

    /// <summary>Reads the bodies of the here-documents opened on the line just ended; null when all were closed.</summary>
    private string? ReadHereDocumentBodies()
    {
        while (_pendingHereDocuments.Count > 0)
        {
            var (delimiter, stripTabs) = _pendingHereDocuments.Peek();
            var body = new StringBuilder();
            var closed = false;
            while (_index < _text.Length)
            {
                var end = _text.IndexOf('\n', _index);
                var lineText = end < 0 ? _text[_index..] : _text[_index..end];
                var bodyLine = stripTabs ? lineText.TrimStart('\t') : lineText;
                if (!delimiter.Quoted)
                {
                    CheckUnquotedBody(bodyLine);
                }
                _index = end < 0 ? _text.Length : end;
                if (bodyLine.TrimEnd('\r') == delimiter.Text)
                {
                    closed = true;
                }
                else
                {
                    body.Append(bodyLine).Append('\n');
                }
                if (end >= 0)
                {
                    NewLine();
                }
                if (closed)
                {
                    break;
                }
            }
            if (!closed)
            {
                return $"here-document waits for its end line \"{delimiter.Text}\"";
            }
            delimiter.HereDocumentBody = body.ToString();
            _pendingHereDocuments.Dequeue();
        }
        return null;
    }

    /// <summary>An unquoted delimiter (<c>&lt;&lt;EOF</c>) would expand $ and ` in a real shell: refuse those here too.</summary>
    private void CheckUnquotedBody(string bodyLine)
    {
        for (var i = 0; i < bodyLine.Length; i++)
        {
            var at = new TextPosition(_line, i + 1);
            if (bodyLine[i] == '\\')
            {
                i++;
                continue;
            }
            if (bodyLine[i] == '`')
            {
                throw new ShellSyntaxException("a backtick in a here-document would run a command in a real shell; use <<'EOF' to keep the text literal", at);
            }
            if (bodyLine[i] == '$' && i + 1 < bodyLine.Length && (char.IsAsciiLetter(bodyLine[i + 1]) || bodyLine[i + 1] is '_' or '(' or '{'))
            {
                throw new ShellSyntaxException("$ in a here-document would expand in a real shell; use <<'EOF' to keep the text literal", at);
            }
        }
    }
}
