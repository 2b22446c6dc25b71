using LabSite.Clusters.Contract.Flows;

namespace LabSite.Clusters.Contract.Tests.Flows;

public class HubbleObserveArgsTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Defaults_to_the_last_20_compact_flows()
    {
        var r = HubbleObserveArgs.Parse([]);
        Assert.Equal(20, r.Query.Last);
        Assert.False(r.Follow);
        Assert.Equal(FlowOutput.Compact, r.Print.Output);
        Assert.Empty(r.Query.Filter.Allow);
    }

    [Fact]
    public void Demo_command_lines_parse()
    {
        var r = HubbleObserveArgs.Parse(["observe", "--pod", "deathstar", "--verdict", "DROPPED", "-o", "json"]);
        Assert.Equal(FlowOutput.Json, r.Print.Output);
        Assert.Equal(2, r.Query.Filter.Allow.Count);
        var v = HubbleObserveArgs.Parse(["flows", "-t", "policy-verdict", "--last", "1", "--print-policy-names"]);
        Assert.Equal(1, v.Query.Last);
        Assert.True(v.Print.PolicyNames);
        var f = HubbleObserveArgs.Parse(["-f", "--not", "--from-label=reserved:host"]);
        Assert.True(f.Follow);
        Assert.Equal(0, f.Query.Last);
        Assert.Single(f.Query.Filter.Deny);
    }

    [Fact]
    public void Since_takes_durations_and_times()
    {
        Assert.Equal(Timestamp.FromDateTimeOffset(s_now.AddMinutes(-90)), HubbleObserveArgs.Parse(["--since", "1h30m"], s_now).Query.Since);
        Assert.Equal(Timestamp.FromDateTimeOffset(s_now.AddHours(-1)), HubbleObserveArgs.Parse(["--since=2026-11-22T11:00:00Z"], s_now).Query.Since);
        Assert.Null(HubbleObserveArgs.Parse(["--since", "5m"], s_now).Query.Last);
    }

    [Theory]
    [InlineData("1.5h", 90 * 60 * 1000)]
    [InlineData("500ms", 500)]
    [InlineData("2m30s", 150 * 1000)]
    [InlineData(".5s", 500)]
    [InlineData("1h0m1s", 3601 * 1000)]
    public void Durations_read_as_go_writes_them(string duration, long milliseconds)
    {
        var until = HubbleObserveArgs.Parse(["--until", duration], s_now).Query.Until;
        Assert.Equal(Timestamp.FromDateTimeOffset(s_now.AddMilliseconds(-milliseconds)), until);
    }

    [Fact]
    public void Rfc3339_times_keep_nanoseconds_and_offsets()
    {
        Assert.Equal(new Timestamp(s_now.ToUnixTimeSeconds(), 1), HubbleObserveArgs.Parse(["--since", "2026-11-22T12:00:00.000000001Z"], s_now).Query.Since);
        Assert.Equal(Timestamp.FromDateTimeOffset(s_now), HubbleObserveArgs.Parse(["--until", "2026-11-22T13:00:00+01:00"], s_now).Query.Until);
        Assert.Equal(Timestamp.FromDateTimeOffset(s_now), HubbleObserveArgs.Parse(["--until", "2026-11-22T07:00:00-05:00"], s_now).Query.Until);
    }

    [Fact]
    public void A_time_window_lifts_the_default_of_20_and_following_from_since_keeps_history()
    {
        Assert.Null(HubbleObserveArgs.Parse(["--until", "1m"], s_now).Query.Last);
        Assert.Equal(5, HubbleObserveArgs.Parse(["--since", "1m", "--last", "5"], s_now).Query.Last);
        var follow = HubbleObserveArgs.Parse(["-f", "--since", "1m"], s_now);
        Assert.Equal((true, (int?)null), (follow.Follow, follow.Query.Last));
        Assert.Equal(0, HubbleObserveArgs.Parse(["-f", "--until", "1m"], s_now).Query.Last);
    }

    [Theory]
    [InlineData(new[] { "--colour", "red" }, "unknown flag: --colour")]
    [InlineData(new[] { "--last" }, "flag needs an argument: --last")]
    [InlineData(new[] { "--last", "many" }, "--last: \"many\" is not a number of flows (0 or more)")]
    [InlineData(new[] { "--first", "-2" }, "--first: \"-2\" is not a number of flows (0 or more)")]
    [InlineData(new[] { "-o", "yaml" }, "--output: invalid output format \"yaml\" (compact, dict, json, jsonpb, table)")]
    [InlineData(new[] { "-o", "table", "-f" }, "output format \"table\" cannot be used with --follow")]
    [InlineData(new[] { "--first", "3", "-f" }, "--first cannot be combined with --last or --follow")]
    [InlineData(new[] { "--since", "yesterday" }, "--since: \"yesterday\" is neither a duration (e.g. 5m, 1h30m) nor an RFC 3339 time (e.g. 2026-11-22T12:00:00Z)")]
    [InlineData(new[] { "--until", "5" }, "--until: \"5\" is neither a duration")]
    [InlineData(new[] { "--until", "-5m" }, "--until: \"-5m\" is neither a duration")]
    [InlineData(new[] { "--since", "5d" }, "--since: \"5d\" is neither a duration")]
    [InlineData(new[] { "--since", "2026-11-22 12:00:00" }, "--since: \"2026-11-22 12:00:00\" is neither a duration")]
    [InlineData(new[] { "--since", "2026-13-22T12:00:00Z" }, "--since: \"2026-13-22T12:00:00Z\" is neither a duration")]
    [InlineData(new[] { "deathstar" }, "unknown command \"deathstar\" for \"hubble observe\" (filters are flags, e.g. --pod deathstar)")]
    [InlineData(new[] { "observe", "observe" }, "unknown command \"observe\" for \"hubble observe\"")]
    [InlineData(new[] { "--verdict", "LOST" }, "--verdict: \"LOST\" is not one of")]
    public void Bad_arguments_name_the_flag(string[] args, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => HubbleObserveArgs.Parse(args, s_now));
        Assert.StartsWith(expected, ex.Message);
    }

    [Fact]
    public void Durations_further_back_than_the_epoch_select_every_flow()
    {
        Assert.Equal(default(Timestamp), HubbleObserveArgs.Parse(["--since", "99999999h"], s_now).Query.Since);
    }
}
