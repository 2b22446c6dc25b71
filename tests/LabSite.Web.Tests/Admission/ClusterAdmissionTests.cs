using System.ComponentModel.DataAnnotations;
using System.Net;
using LabSite.Web.Admission;
using LabSite.Web.Learners;
using LabSite.Web.Tests.Exams;
using Microsoft.Extensions.Options;

namespace LabSite.Web.Tests.Admission;

/// <summary>The admission policy alone (no backend): capacity, the line in order, per-client limits, workshop seats, timeouts.</summary>
public sealed class ClusterAdmissionTests
{
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero));
    private readonly LearnerClients _clients;

    public ClusterAdmissionTests() => _clients = new LearnerClients(_clock);

    private ClusterAdmission Admission(int capacity, int perClient = 3, int maxQueue = 1000) => new(
        Options.Create(new AdmissionOptions { MemoryBudgetMiB = capacity * 10, MiBPerCluster = 10, PerClientLimit = perClient, MaxQueue = maxQueue }),
        _clients, _clock);

    /// <summary>A fresh learner (a fresh cookie) coming from <paramref name="client"/>.</summary>
    private (LearnerId Learner, string Cluster) Learner(string client)
    {
        var learner = LearnerId.New();
        _clients.Record(learner, client);
        return (learner, "l" + learner.Value.ToString("N")[..8] + "-starwars");
    }

    [Fact]
    public void Beyond_the_capacity_learners_wait_in_line_and_are_admitted_in_order_as_slots_free()
    {
        var admission = Admission(capacity: 2);
        var (a, ca) = Learner("192.0.2.1");
        var (b, cb) = Learner("192.0.2.2");
        var (c, cc) = Learner("192.0.2.3");
        var (d, cd) = Learner("192.0.2.4");

        Assert.Equal(AdmissionOutcome.Admitted, admission.Enter(ca, a).Outcome);
        Assert.Equal(AdmissionOutcome.Admitted, admission.Enter(cb, b).Outcome);
        Assert.Equal(new AdmissionDecision(AdmissionOutcome.Queued, 1), admission.Enter(cc, c));
        Assert.Equal(new AdmissionDecision(AdmissionOutcome.Queued, 2), admission.Enter(cd, d));
        Assert.Equal(new AdmissionDecision(AdmissionOutcome.Queued, 1), admission.Enter(cc, c)); // asking again keeps the place
        var cTurn = admission.TurnAsync(cc);
        var dTurn = admission.TurnAsync(cd);
        Assert.False(cTurn.IsCompleted);

        admission.Created(ca);
        admission.Release(ca);

        Assert.True(cTurn.IsCompletedSuccessfully);
        Assert.False(dTurn.IsCompleted);
        Assert.Null(admission.Position(cc));
        Assert.Equal(1, admission.Position(cd));
        Assert.Equal(AdmissionOutcome.Admitted, admission.Enter(cc, c).Outcome);
        Assert.Equal(2, admission.Read().Slots);
        Assert.Equal(1, admission.Read().Waiting);
    }

    [Fact]
    public void One_client_with_fresh_cookies_cannot_hold_or_queue_more_than_its_limit()
    {
        var admission = Admission(capacity: 2, perClient: 3);
        var outcomes = Enumerable.Range(0, 500).Select(_ => Learner("203.0.113.7")).Select(l => admission.Enter(l.Cluster, l.Learner)).ToList();

        Assert.Equal([AdmissionOutcome.Admitted, AdmissionOutcome.Admitted, AdmissionOutcome.Queued], outcomes.Take(3).Select(o => o.Outcome));
        Assert.All(outcomes.Skip(3), o =>
        {
            Assert.Equal(AdmissionOutcome.Refused, o.Outcome);
            Assert.Equal(TimeSpan.FromMinutes(1), o.RetryAfter);
            Assert.Contains("203.0.113.7", o.Reason, StringComparison.Ordinal);
            Assert.Contains("the most one client may (3)", o.Reason, StringComparison.Ordinal);
        });
        // Another client is not held to the first one's count: it waits behind it.
        var other = Learner("198.51.100.1");
        Assert.Equal(new AdmissionDecision(AdmissionOutcome.Queued, 2), admission.Enter(other.Cluster, other.Learner));
        Assert.Equal(2, admission.Read().Slots);
    }

    [Fact]
    public void A_full_line_refuses_with_retry_after()
    {
        var admission = Admission(capacity: 1, maxQueue: 2);
        var outcomes = Enumerable.Range(0, 4).Select(i => Learner($"192.0.2.{i + 1}")).Select(l => admission.Enter(l.Cluster, l.Learner).Outcome).ToList();

        Assert.Equal([AdmissionOutcome.Admitted, AdmissionOutcome.Queued, AdmissionOutcome.Queued, AdmissionOutcome.Refused], outcomes);
    }

    [Fact]
    public void A_waiter_who_stops_asking_leaves_the_line_and_an_unused_turn_passes_to_the_next()
    {
        var admission = Admission(capacity: 1);
        var (a, ca) = Learner("192.0.2.1");
        var (b, cb) = Learner("192.0.2.2");
        var (c, cc) = Learner("192.0.2.3");
        admission.Enter(ca, a);
        admission.Created(ca);
        admission.Enter(cb, b);
        admission.Enter(cc, c);
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(2, admission.Position(cc)); // c keeps asking; b went away

        _clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(30));

        Assert.Null(admission.Position(cb));
        Assert.Equal(1, admission.Position(cc));
        Assert.True(admission.TurnAsync(cb).IsFaulted);

        // c is admitted but never comes to create the cluster: after the timeout the slot is free again.
        admission.Release(ca);
        Assert.Null(admission.Position(cc));
        Assert.Equal(1, admission.Read().Slots);
        _clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(0, admission.Read().Slots);
    }

    [Fact]
    public void A_waiter_who_leaves_gives_up_the_place()
    {
        var admission = Admission(capacity: 1);
        var learners = Enumerable.Range(0, 3).Select(i => Learner($"192.0.2.{i + 1}")).ToList();
        learners.ForEach(l => admission.Enter(l.Cluster, l.Learner));

        admission.Leave(learners[1].Cluster);

        Assert.Null(admission.Position(learners[1].Cluster));
        Assert.Equal(1, admission.Position(learners[2].Cluster));
    }

    [Fact]
    public void Workshop_seats_are_reserved_from_the_capacity_and_a_classroom_behind_one_address_is_not_limited()
    {
        var admission = Admission(capacity: 4, perClient: 1);
        var attendees = Enumerable.Range(0, 4).Select(_ => Learner("192.0.2.50")).ToList(); // one classroom NAT
        admission.SetWorkshops(new Dictionary<string, int> { ["w1"] = 3 }, attendees.ToDictionary(a => a.Learner, _ => "w1"));
        var (g1, cg1) = Learner("198.51.100.1");
        var (g2, cg2) = Learner("198.51.100.2");

        Assert.Equal(AdmissionOutcome.Admitted, admission.Enter(cg1, g1).Outcome); // 4 - 3 reserved = 1 general slot
        Assert.Equal(AdmissionOutcome.Queued, admission.Enter(cg2, g2).Outcome);
        Assert.All(attendees.Take(3), a => Assert.Equal(AdmissionOutcome.Admitted, admission.Enter(a.Cluster, a.Learner).Outcome));
        // A fourth attendee is beyond the seats: as anyone else, they wait for a general slot.
        Assert.Equal(new AdmissionDecision(AdmissionOutcome.Queued, 2), admission.Enter(attendees[3].Cluster, attendees[3].Learner));
        Assert.Equal(4, admission.Read().Slots);

        // The workshop ends: its seats return to everyone, the line moves.
        admission.SetWorkshops(new Dictionary<string, int>(), new Dictionary<LearnerId, string>());
        Assert.Equal(1, admission.Position(cg2)); // 4 slots used of 4
        admission.Release(attendees[0].Cluster);
        Assert.Null(admission.Position(cg2));
        Assert.Equal(1, admission.Position(attendees[3].Cluster));
        Assert.Equal(4, admission.Read().Slots);
    }

    [Fact]
    public void Slots_follow_what_the_agent_runs()
    {
        var admission = Admission(capacity: 2);
        var (a, ca) = Learner("192.0.2.1");
        var (b, cb) = Learner("192.0.2.2");
        admission.Enter(ca, a);
        admission.Created(ca);
        admission.Enter(cb, b);
        admission.Created(cb);
        var (c, cc) = Learner("192.0.2.3");
        admission.Enter(cc, c);
        _clock.Advance(TimeSpan.FromSeconds(1));

        // a's cluster vanished (the agent restarted); an unknown one runs (the site restarted): it takes a's slot.
        admission.Reconcile(["l99999999-other", cb], _clock.GetUtcNow());
        Assert.Equal(2, admission.Read().Slots);
        Assert.Equal(1, admission.Position(cc));

        // The unknown one is gone too: c is admitted in its place.
        _clock.Advance(TimeSpan.FromSeconds(1));
        admission.Reconcile([cb], _clock.GetUtcNow());
        Assert.Null(admission.Position(cc));
        Assert.Equal(AdmissionOutcome.Admitted, admission.Enter(cc, c).Outcome);
        Assert.Equal((2, 0), (admission.Read().Slots, admission.Read().Waiting));
    }

    [Theory]
    [InlineData("192.0.2.7", "192.0.2.7")]
    [InlineData("::ffff:192.0.2.7", "192.0.2.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:3::1", "2001:db8:1:3::/64")]
    public void A_client_is_an_ipv4_address_or_an_ipv6_64(string address, string expected) =>
        Assert.Equal(expected, ClientKey.From(IPAddress.Parse(address)));

    [Fact]
    public void No_address_is_no_client() => Assert.Null(ClientKey.From(null));

    [Theory]
    [InlineData(5, 10, "AdmissionOptions:MemoryBudgetMiB (5) is less than one cluster (MiBPerCluster 10)")]
    [InlineData(100, 0, "AdmissionOptions:MiBPerCluster must be at least 1; got 0")]
    public void Bad_options_name_the_key(int budget, int perCluster, string expected)
    {
        var options = new AdmissionOptions { MemoryBudgetMiB = budget, MiBPerCluster = perCluster };
        var errors = options.Validate(new ValidationContext(options)).Select(e => e.ErrorMessage).ToList();
        Assert.Contains(expected, errors);
    }

    [Fact]
    public void The_default_capacity_is_the_budget_over_the_measured_cost_of_one_cluster() =>
        Assert.Equal(100, new AdmissionOptions().Capacity);
}
