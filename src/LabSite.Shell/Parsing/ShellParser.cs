namespace LabSite.Shell.Parsing;

/// <summary>
/// Parses what a learner typed into a <see cref="CommandList"/>. Grammar (a POSIX subset):
/// <code>
/// list     := pipeline ((';' | '&amp;&amp;' | '||' | newline) pipeline)* [';']
/// pipeline := command ('|' command)*
/// command  := (word | redirect)+
/// redirect := ['1'|'2'] ('&gt;' | '&gt;&gt;') word | '&lt;' word | '&lt;&lt;' word | '&lt;&lt;-' word | '2&gt;&amp;1'
/// </code>
/// </summary>
public static class ShellParser
{
    /// <summary>Parses a line or script; throws <see cref="ShellSyntaxException"/> with the column of the problem.</summary>
    public static ParseResult Parse(string text)
    {
        var (tokens, incomplete) = new Lexer(text).Run();
        if (tokens is null)
        {
            return ParseResult.Incomplete(incomplete!);
        }
        return new Parser(tokens).ParseList();
    }

    /// <summary>Parses text that must be complete (a <c>-c</c> argument, a script): "incomplete" becomes an error.</summary>
    public static CommandList ParseComplete(string text)
    {
        var result = Parse(text);
        if (result.Commands is { } commands)
        {
            return commands;
        }
        var lines = text.Split('\n');
        throw new ShellSyntaxException($"unexpected end of input: {result.IncompleteReason}", new TextPosition(lines.Length, lines[^1].Length + 1));
    }

    private sealed class Parser(List<Token> tokens)
    {
        private int _next;

        private Token Current => tokens[_next];

        public ParseResult ParseList()
        {
            var items = new List<ListItem>();
            var connector = Connector.Always;
            SkipNewlines();
            while (Current.Kind != TokenKind.End)
            {
                var pipeline = ParsePipeline(out var incomplete);
                if (pipeline is null)
                {
                    return ParseResult.Incomplete(incomplete!);
                }
                items.Add(new ListItem(connector, pipeline));
                var op = Current;
                switch (op.Kind)
                {
                    case TokenKind.End:
                        break;
                    case TokenKind.Semicolon or TokenKind.Newline:
                        _next++;
                        connector = Connector.Always;
                        SkipNewlines();
                        break;
                    case TokenKind.AndIf or TokenKind.OrIf:
                        _next++;
                        connector = op.Kind == TokenKind.AndIf ? Connector.IfSucceeded : Connector.IfFailed;
                        SkipNewlines();
                        if (Current.Kind == TokenKind.End)
                        {
                            return ParseResult.Incomplete($"line ends with {op.Text}");
                        }
                        if (Current.Kind == TokenKind.Semicolon)
                        {
                            throw Unexpected(Current);
                        }
                        break;
                    default:
                        throw Unexpected(op);
                }
            }
            return ParseResult.Complete(new CommandList(items));
        }

        private void SkipNewlines()
        {
            while (Current.Kind == TokenKind.Newline)
            {
                _next++;
            }
        }

        private Pipeline? ParsePipeline(out string? incomplete)
        {
            incomplete = null;
            var commands = new List<SimpleCommand> { ParseCommand() };
            while (Current.Kind == TokenKind.Pipe)
            {
                _next++;
                SkipNewlines();
                if (Current.Kind == TokenKind.End)
                {
                    incomplete = "line ends with |";
                    return null;
                }
                if (Current.Kind is not TokenKind.Word and not TokenKind.Great and not TokenKind.DoubleGreat and not TokenKind.Less
                    and not TokenKind.DoubleLess and not TokenKind.DoubleLessDash)
                {
                    throw Unexpected(Current);
                }
                commands.Add(ParseCommand());
            }
            return new Pipeline(commands);
        }

        private SimpleCommand ParseCommand()
        {
            var words = new List<Word>();
            var redirects = new List<Redirect>();
            while (true)
            {
                var token = Current;
                switch (token.Kind)
                {
                    case TokenKind.Word:
                        words.Add(new Word(token.Text, token.Position));
                        _next++;
                        continue;
                    case TokenKind.ErrToOut:
                        redirects.Add(new Redirect(RedirectKind.StderrToStdout, 2, "&1", token.Position));
                        _next++;
                        continue;
                    case TokenKind.Great or TokenKind.DoubleGreat or TokenKind.Less or TokenKind.DoubleLess or TokenKind.DoubleLessDash:
                        _next++;
                        var target = Current;
                        if (target.Kind != TokenKind.Word)
                        {
                            throw new ShellSyntaxException($"{token.Text} needs a file name after it", target.Kind == TokenKind.End ? token.Position : target.Position);
                        }
                        _next++;
                        redirects.Add(token.Kind switch
                        {
                            TokenKind.Great => new Redirect(RedirectKind.Write, token.Stream, target.Text, target.Position),
                            TokenKind.DoubleGreat => new Redirect(RedirectKind.Append, token.Stream, target.Text, target.Position),
                            TokenKind.Less => new Redirect(RedirectKind.Read, 0, target.Text, target.Position),
                            _ => new Redirect(RedirectKind.HereDocument, 0, target.HereDocumentBody ?? "", target.Position),
                        });
                        continue;
                }
                break;
            }
            if (words.Count == 0)
            {
                throw redirects.Count > 0
                    ? new ShellSyntaxException("a redirection needs a command", redirects[0].Position)
                    : Unexpected(Current);
            }
            return new SimpleCommand(words, redirects);
        }

        private static ShellSyntaxException Unexpected(Token token) => token.Kind == TokenKind.End
            ? new ShellSyntaxException("unexpected end of line", token.Position)
            : new ShellSyntaxException($"syntax error near unexpected token '{token.Text.Replace("\n", "newline")}'", token.Position);
    }
}
