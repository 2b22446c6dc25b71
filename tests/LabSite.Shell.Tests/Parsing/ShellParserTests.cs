using LabSite.Shell.Parsing;

namespace LabSite.Shell.Tests.Parsing;

public class ShellParserTests
{
    private static CommandList Parse(string text) => ShellParser.ParseComplete(text);

    private static string[] Words(CommandList list, int item = 0, int command = 0) =>
        list.Items[item].Pipeline.Commands[command].Words.Select(w => w.Text).ToArray();

    [Fact]
    public void Quotes_are_removed_and_keep_their_contents()
    {
        var list = Parse("""kubectl exec xwing -- curl -s -XPOST 'deathstar.default.svc.cluster.local/v1/request-landing' "a b" c\ d""");
        Assert.Equal(["kubectl", "exec", "xwing", "--", "curl", "-s", "-XPOST", "deathstar.default.svc.cluster.local/v1/request-landing", "a b", "c d"], Words(list));
    }

    [Fact]
    public void Double_quotes_keep_backslash_except_before_special_characters()
    {
        Assert.Equal(["a\\nb", "q\"q", "x\\y"], Words(Parse("""echo "a\nb" "q\"q" "x\\y" """)).Skip(1));
    }

    [Fact]
    public void Pipes_sequences_and_conditionals_build_the_list()
    {
        var list = Parse("kubectl get pods | grep xwing && echo yes || echo no; echo done");
        Assert.Equal(4, list.Items.Count);
        Assert.Equal(2, list.Items[0].Pipeline.Commands.Count);
        Assert.Equal([Connector.Always, Connector.IfSucceeded, Connector.IfFailed, Connector.Always], list.Items.Select(i => i.Connector));
    }

    [Fact]
    public void Redirections_are_parsed_with_their_stream()
    {
        var command = Parse("kubectl get pods >pods.txt 2>> errors.log 2>&1").Items[0].Pipeline.Commands[0];
        Assert.Equal(["kubectl", "get", "pods"], command.Words.Select(w => w.Text));
        Assert.Equal([(RedirectKind.Write, 1, "pods.txt"), (RedirectKind.Append, 2, "errors.log"), (RedirectKind.StderrToStdout, 2, "&1")],
            command.Redirects.Select(r => (r.Kind, r.Stream, r.Target)));
    }

    [Fact]
    public void A_digit_inside_a_word_is_not_a_descriptor()
    {
        var command = Parse("echo a2>x").Items[0].Pipeline.Commands[0];
        Assert.Equal(["echo", "a2"], command.Words.Select(w => w.Text));
        Assert.Equal(1, command.Redirects[0].Stream);
    }

    [Fact]
    public void Here_document_body_becomes_stdin_and_the_next_line_runs_after()
    {
        var list = Parse("cat <<EOF | kubectl apply -f -\napiVersion: v1\nkind: Pod\nEOF\necho after");
        var cat = list.Items[0].Pipeline.Commands[0];
        Assert.Equal(RedirectKind.HereDocument, cat.Redirects[0].Kind);
        Assert.Equal("apiVersion: v1\nkind: Pod\n", cat.Redirects[0].Target);
        Assert.Equal(["echo", "after"], Words(list, 1));
    }

    [Fact]
    public void Here_document_with_dash_strips_leading_tabs_and_quoted_delimiter_keeps_dollars()
    {
        var list = Parse("cat <<-'END'\n\tprice: $5 $HOME\n\tEND");
        Assert.Equal("price: $5 $HOME\n", list.Items[0].Pipeline.Commands[0].Redirects[0].Target);
    }

    [Theory]
    [InlineData("echo 'open", "unterminated ' opened at column 6")]
    [InlineData("echo \"open", "unterminated \" opened at column 6")]
    [InlineData("kubectl get pods |", "line ends with |")]
    [InlineData("echo a &&", "line ends with &&")]
    [InlineData("cat <<EOF\nline", "here-document waits for its end line \"EOF\"")]
    [InlineData("echo \\", "line ends with \\")]
    public void Unfinished_input_is_incomplete_not_an_error(string text, string reason)
    {
        var result = ShellParser.Parse(text);
        Assert.False(result.IsComplete);
        Assert.Equal(reason, result.IncompleteReason);
    }

    [Theory]
    [InlineData("echo $HOME", 6, "variable $HOME is not supported")]
    [InlineData("echo \"$(id)\"", 7, "command substitution $( ) is not supported")]
    [InlineData("echo `id`", 6, "command substitution with backticks is not supported")]
    [InlineData("echo ${X}", 6, "parameter expansion ${ } is not supported")]
    [InlineData("echo $((1+1))", 6, "arithmetic expansion $(( )) is not supported")]
    [InlineData("echo $?", 6, "variable $? is not supported")]
    [InlineData("sleep 1 &", 9, "background jobs (&) are not supported")]
    [InlineData("(cd /)", 1, "subshells and groups ( ) are not supported")]
    [InlineData("echo a | | b", 10, "syntax error near unexpected token '|'")]
    [InlineData("; echo", 1, "syntax error near unexpected token ';'")]
    [InlineData("echo >", 6, "> needs a file name after it")]
    [InlineData("cat <(ls)", 5, "process substitution <( ) is not supported")]
    [InlineData("cat <<< x", 5, "here-strings (<<<) are not supported")]
    public void Refused_syntax_names_the_column(string text, int column, string reasonStart)
    {
        var e = Assert.Throws<ShellSyntaxException>(() => Parse(text));
        Assert.Equal(column, e.Position.Column);
        Assert.StartsWith(reasonStart, e.Reason);
    }

    [Fact]
    public void Dollar_in_an_unquoted_here_document_is_refused_with_the_fix()
    {
        var e = Assert.Throws<ShellSyntaxException>(() => Parse("cat <<EOF\nhome: $HOME\nEOF"));
        Assert.Equal(new TextPosition(2, 7), e.Position);
        Assert.Contains("use <<'EOF'", e.Reason);
    }

    [Fact]
    public void Single_quotes_make_dollars_literal_and_a_lone_dollar_is_text()
    {
        Assert.Equal(["$HOME", "$", "a$"], Words(Parse("echo '$HOME' $ a$")).Skip(1));
    }

    [Fact]
    public void Comments_and_blank_lines_are_ignored()
    {
        var list = Parse("# set up\n\necho hi # greet\n");
        Assert.Single(list.Items);
        Assert.Equal(["echo", "hi"], Words(list));
    }

    [Fact]
    public void Incomplete_text_given_as_complete_is_an_error_at_the_end()
    {
        var e = Assert.Throws<ShellSyntaxException>(() => Parse("echo 'x"));
        Assert.Equal("column 8: unexpected end of input: unterminated ' opened at column 6", e.Message);
    }
}
