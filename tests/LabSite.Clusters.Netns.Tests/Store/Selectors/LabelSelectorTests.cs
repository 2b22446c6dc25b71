using System.Text.Json.Nodes;
using LabSite.Clusters.Netns.Store.Selectors;

namespace LabSite.Clusters.Netns.Tests.Store.Selectors;

public class LabelSelectorTests
{
    private static readonly Dictionary<string, string> s_deathstar = new() { ["org"] = "empire", ["class"] = "deathstar" };
    private static readonly Dictionary<string, string> s_xwing = new() { ["org"] = "alliance", ["class"] = "xwing", ["debug"] = "" };

    [Theory]
    [InlineData("org=empire", true, false)]
    [InlineData("org==empire", true, false)]
    [InlineData("org!=empire", false, true)]
    [InlineData("org=empire,class=deathstar", true, false)]
    [InlineData("org=empire,class!=deathstar", false, false)]
    [InlineData("class in (deathstar, xwing)", true, true)]
    [InlineData("class notin (deathstar)", false, true)]
    [InlineData("debug", false, true)]
    [InlineData("!debug", true, false)]
    [InlineData("missing!=x", true, true)]
    [InlineData("debug=", false, true)]
    [InlineData("", true, true)]
    [InlineData("  org = empire , !debug ", true, false)]
    public void String_form_matches_as_kubectl_does(string text, bool deathstar, bool xwing)
    {
        var selector = LabelSelectorParser.Parse(text);
        Assert.Equal((deathstar, xwing), (selector.Matches(s_deathstar), selector.Matches(s_xwing)));
    }

    [Theory]
    [InlineData("org=empire,", "unable to parse selector \"org=empire,\": at column 12 found the end, expected a label key")]
    [InlineData("class in deathstar", "unable to parse selector \"class in deathstar\": at column 10 found 'd', expected '(' to open the value set")]
    [InlineData("class in (a b)", "unable to parse selector \"class in (a b)\": at column 13 found 'b', expected ',' or ')' in the value set")]
    [InlineData("org<empire", "unable to parse selector \"org<empire\": at column 4 found '<', expected '=', '==', '!=', 'in', 'notin', ',' or the end")]
    [InlineData("=empire", "unable to parse selector \"=empire\": at column 1 found '=', expected a label key")]
    public void Bad_string_form_says_where_and_what_was_expected(string text, string message)
    {
        var e = Assert.Throws<FormatException>(() => LabelSelectorParser.Parse(text));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void MatchLabels_and_matchExpressions_combine_with_and()
    {
        var selector = LabelSelector.FromJson(JsonNode.Parse("""
            {"matchLabels": {"org": "empire"},
             "matchExpressions": [{"key": "class", "operator": "In", "values": ["deathstar", "tiefighter"]},
                                  {"key": "debug", "operator": "DoesNotExist"}]}
            """)!.AsObject());

        Assert.True(selector.Matches(s_deathstar));
        Assert.False(selector.Matches(s_xwing));
        Assert.False(selector.Matches(new Dictionary<string, string> { ["org"] = "empire", ["class"] = "tiefighter", ["debug"] = "1" }));
        Assert.Equal("org=empire,class in (deathstar,tiefighter),!debug", selector.ToString());
    }

    [Fact]
    public void Empty_selector_matches_everything_and_Nothing_matches_nothing()
    {
        Assert.True(LabelSelector.FromJson(new JsonObject()).Matches(s_xwing));
        Assert.False(LabelSelector.Nothing.Matches(s_xwing));
    }
}
