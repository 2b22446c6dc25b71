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
    [InlineData(new[] { "--colour", "red" }, "hubble observe: unknown flag: --colour")]
    [InlineData(new[] { "--last" }, "hubble observe: flag needs an argument: --last")]
    [InlineData(new[] { "--last", "many" }, "--last: \"many\" is not a number")]
    [InlineData(new[] { "-o", "yaml" }, "invalid output format \"yaml\"")]
    [InlineData(new[] { "-o", "table", "-f" }, "output format \"table\" cannot be used with --follow")]
    [InlineData(new[] { "--since", "yesterday" }, "--since: \"yesterday\" is neither a duration")]
    [InlineData(new[] { "deathstar" }, "unexpected argument \"deathstar\"")]
    [InlineData(new[] { "--verdict", "LOST" }, "--verdict: \"LOST\" is not one of")]
    public void Bad_arguments_name_the_flag(string[] args, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => HubbleObserveArgs.Parse(args, s_now));
        Assert.Contains(expected, ex.Message);
    }
}
