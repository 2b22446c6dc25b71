using LabSite.Scenarios.Exams;
using static LabSite.Scenarios.Tests.Exams.BankBuilder;

namespace LabSite.Scenarios.Tests.Exams;

public class ApportionmentTests
{
    [Fact]
    public void The_eight_domain_blueprint_splits_60_questions_by_largest_remainder()
    {
        var bp = Blueprint("cca-2024", 60, ("architecture", 20), ("network-policy", 18), ("service-mesh", 16), ("installation-configuration", 10),
            ("network-observability", 10), ("cluster-mesh", 10), ("ebpf", 10), ("bgp-external-networking", 6));
        var seats = Apportionment.For(bp);
        // Exact shares: 12, 10.8, 9.6, 6, 6, 6, 6, 3.6. Floors give 58; the two left go to .8 and then the first .6.
        Assert.Equal([12, 11, 10, 6, 6, 6, 6, 3], bp.Domains.Select(d => seats[d.Id]));
        Assert.Equal(60, seats.Values.Sum());
    }

    [Theory]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(60)]
    public void Seats_always_add_up_and_stay_within_one_of_the_exact_share(int total)
    {
        var bp = Blueprint("x", total, ("a", 20), ("b", 20), ("c", 20), ("d", 20), ("e", 20));
        var seats = Apportionment.For(bp);
        Assert.Equal(total, seats.Values.Sum());
        Assert.All(bp.Domains, d => Assert.InRange(seats[d.Id], Math.Floor(total * d.Weight / 100.0), Math.Ceiling(total * d.Weight / 100.0)));
    }
}
