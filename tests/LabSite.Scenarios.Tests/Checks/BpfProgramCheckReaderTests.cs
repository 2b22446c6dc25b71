using LabSite.Scenarios.Model.Checks;

namespace LabSite.Scenarios.Tests.Checks;

public sealed class BpfProgramCheckReaderTests
{
    [Fact]
    public void A_pod_alone_asks_only_for_an_attached_program()
    {
        var check = CheckParsing.Valid<BpfProgramCheck>("id: a\nkind: bpf-program\ntitle: t\npod: deathstar");
        Assert.Equal((PodSelector.ByName("deathstar"), null, null, null), (check.Pod, check.Hook, check.Map, check.AtLeast));
    }

    [Fact]
    public void Hook_map_and_total_are_read()
    {
        var check = CheckParsing.Valid<BpfProgramCheck>("""
            id: a
            kind: bpf-program
            title: t
            pod: empire/deathstar
            hook: egress
            map: by_protocol
            atLeast: 10
            """);

        Assert.Equal((PodSelector.ByName("deathstar", "empire"), "egress", "by_protocol", 10), (check.Pod, check.Hook, check.Map, check.AtLeast));
    }

    [Theory]
    [InlineData("hook: xdp", "\"hook\" in check \"a\"", "ingress, egress, socket")]
    [InlineData("atLeast: 3", "atLeast needs map", "")]
    [InlineData("map: m\natLeast: -1", "\"atLeast\" in check \"a\" must be a number of at least 0", "")]
    [InlineData("maps: m", "\"maps\"", "")]
    public void Bad_values_are_errors(string lines, string error, string alsoSays)
    {
        var (check, errors) = CheckParsing.Parse("id: a\nkind: bpf-program\ntitle: t\npod: deathstar\n" + lines);
        Assert.Null(check);
        Assert.Contains(errors, e => e.Contains(error, StringComparison.Ordinal) && e.Contains(alsoSays, StringComparison.Ordinal));
    }

    [Fact]
    public void The_pod_is_required()
    {
        var (check, errors) = CheckParsing.Parse("id: a\nkind: bpf-program\ntitle: t\nmap: m");
        Assert.Null(check);
        Assert.Contains(errors, e => e.Contains("pod", StringComparison.Ordinal) && e.Contains("missing", StringComparison.OrdinalIgnoreCase));
    }
}
