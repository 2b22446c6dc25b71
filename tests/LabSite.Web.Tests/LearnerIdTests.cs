using LabSite.Web.Learners;

namespace LabSite.Web.Tests;

public sealed class LearnerIdTests
{
    [Fact]
    public void The_cookie_form_round_trips()
    {
        var id = LearnerId.New();

        Assert.True(LearnerId.TryParse(id.ToString(), out var parsed));
        Assert.Equal(id, parsed);
        Assert.Matches("^[0-9a-f]{32}$", id.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("00000000000000000000000000000000")]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    [InlineData("3f2504e04f8911d39a0c0305e82c330")]
    [InlineData("zz2504e04f8911d39a0c0305e82c3301")]
    [InlineData("3f2504e04f8911d39a0c0305e82c3301; admin=1")]
    public void Anything_else_is_not_a_learner_id(string? text)
    {
        Assert.False(LearnerId.TryParse(text, out _));
    }
}
