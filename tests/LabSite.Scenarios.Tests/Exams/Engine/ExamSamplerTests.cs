using LabSite.Scenarios.Exams;
using LabSite.Scenarios.Exams.Engine;
using static LabSite.Scenarios.Tests.Exams.BankBuilder;

namespace LabSite.Scenarios.Tests.Exams.Engine;

public class ExamSamplerTests
{
    private static readonly ExamBlueprint s_cca2024 = Blueprint("cca-2024", 60, ("architecture", 20), ("network-policy", 18), ("service-mesh", 16),
        ("installation-configuration", 10), ("network-observability", 10), ("cluster-mesh", 10), ("ebpf", 10), ("bgp-external-networking", 6));

    [Fact]
    public void Every_paper_has_the_apportioned_count_per_domain_and_no_repeats()
    {
        var bank = Bank(s_cca2024, 15);
        var rng = new Random(7);
        for (var draw = 0; draw < 200; draw++)
        {
            var paper = ExamSampler.Sample(bank, s_cca2024, rng);
            Assert.Equal(60, paper.Count);
            Assert.Equal(60, paper.Select(q => q.Id).Distinct().Count());
            var perDomain = paper.GroupBy(q => q.DomainIn("cca-2024")!).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(Apportionment.For(s_cca2024), perDomain.OrderBy(p => p.Key).ToDictionary());
        }
    }

    [Fact]
    public void Over_many_draws_domain_shares_match_the_weights_and_questions_are_drawn_evenly()
    {
        var bank = Bank(s_cca2024, 15);
        var rng = new Random(12345);
        const int draws = 3000;
        var picks = new Dictionary<string, int>();
        var domainTotals = new Dictionary<string, int>();
        for (var draw = 0; draw < draws; draw++)
        {
            foreach (var q in ExamSampler.Sample(bank, s_cca2024, rng))
            {
                picks[q.Id] = picks.GetValueOrDefault(q.Id) + 1;
                var d = q.DomainIn("cca-2024")!;
                domainTotals[d] = domainTotals.GetValueOrDefault(d) + 1;
            }
        }
        foreach (var domain in s_cca2024.Domains)
        {
            // Share of all drawn questions within one question of the weight (60 seats cannot hit 3.6 exactly).
            var share = 100.0 * domainTotals[domain.Id] / (draws * 60);
            Assert.InRange(share, domain.Weight - 100.0 / 60, domain.Weight + 100.0 / 60);

            // Inside a domain each of the 15 questions is expected count/15 of the draws; allow ±5 standard deviations.
            var p = Apportionment.For(s_cca2024)[domain.Id] / 15.0;
            var expected = draws * p;
            var sd = Math.Sqrt(draws * p * (1 - p));
            foreach (var q in bank.InDomain("cca-2024", domain.Id))
            {
                Assert.InRange(picks.GetValueOrDefault(q.Id), expected - 5 * sd, expected + 5 * sd);
            }
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_paper()
    {
        var bank = Bank(s_cca2024, 15);
        var a = ExamSampler.Sample(bank, s_cca2024, new Random(99)).Select(q => q.Id);
        var b = ExamSampler.Sample(bank, s_cca2024, new Random(99)).Select(q => q.Id);
        var c = ExamSampler.Sample(bank, s_cca2024, new Random(100)).Select(q => q.Id);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Too_few_questions_in_a_domain_is_a_clear_error()
    {
        var bank = Bank(s_cca2024, 5);
        var e = Assert.Throws<InvalidOperationException>(() => ExamSampler.Sample(bank, s_cca2024, new Random(1)));
        Assert.Equal("domain 'architecture' of blueprint 'cca-2024' has 5 question(s) but the exam needs 12; run `labsite exam validate`", e.Message);
    }

    [Fact]
    public void Option_orders_are_permutations_and_every_option_reaches_every_position()
    {
        var rng = new Random(3);
        var seen = new int[5, 5];
        for (var i = 0; i < 2000; i++)
        {
            var order = Shuffle.OptionOrder(5, rng);
            Assert.Equal([0, 1, 2, 3, 4], order.Order());
            for (var pos = 0; pos < 5; pos++)
            {
                seen[pos, order[pos]]++;
            }
        }
        // Expected 400 per cell; a fixed or biased order would leave cells far off.
        foreach (var count in seen)
        {
            Assert.InRange(count, 300, 500);
        }
    }
}
