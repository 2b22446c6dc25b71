using LabSite.Scenarios.Model;
using LabSite.Web.Labs;
using LabSite.Web.Tests.Support;

namespace LabSite.Web.Tests.Labs;

public sealed class LabFilterTests
{
    private readonly IReadOnlyList<Lab> _labs = TestLabs.Catalog().Labs;

    [Fact]
    public void No_filter_keeps_every_lab_in_catalog_order()
    {
        var shown = LabFilter.From(null, " ", "", null).Apply(_labs);

        Assert.Equal(["policy-basics", "hubble-tour"], shown.Select(l => l.Id));
    }

    [Theory]
    [InlineData("hubble", "hubble-tour")]
    [InlineData("DENY traffic", "policy-basics")]
    [InlineData("l4", "policy-basics")]
    public void Every_search_word_must_match_title_summary_id_or_tag(string query, string expected)
    {
        Assert.Equal([expected], LabFilter.From(query, null, null, null).Apply(_labs).Select(l => l.Id));
    }

    [Fact]
    public void A_word_matching_nothing_empties_the_result()
    {
        Assert.Empty(LabFilter.From("hubble kafka", null, null, null).Apply(_labs));
    }

    [Fact]
    public void Tag_difficulty_and_domain_filter_together()
    {
        Assert.Equal(["hubble-tour"], LabFilter.From(null, "Observability", null, null).Apply(_labs).Select(l => l.Id));
        Assert.Equal(["policy-basics"], LabFilter.From(null, null, "beginner", null).Apply(_labs).Select(l => l.Id));
        Assert.Equal(["policy-basics"], LabFilter.From(null, null, null, "network-policy").Apply(_labs).Select(l => l.Id));
        Assert.Empty(LabFilter.From(null, "policy", "intermediate", null).Apply(_labs));
    }

    [Theory]
    [InlineData("expert")]
    [InlineData("7")]
    public void An_unknown_difficulty_is_ignored_rather_than_matching_nothing(string difficulty)
    {
        var filter = LabFilter.From(null, null, difficulty, null);

        Assert.Null(filter.Difficulty);
        Assert.Equal(2, filter.Apply(_labs).Count);
    }

    [Fact]
    public void Query_string_round_trips_and_escapes()
    {
        var filter = LabFilter.From("l7 & http", "policy", "Advanced", "network-policy");

        Assert.Equal("?q=l7%20%26%20http&tag=policy&difficulty=advanced&domain=network-policy", filter.ToQueryString());
        Assert.Equal("", LabFilter.None.ToQueryString());
    }
}
