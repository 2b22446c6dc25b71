using LabSite.Grader.Evaluation.Probe;
using LabSite.Scenarios.Model.Checks;

namespace LabSite.Grader.Tests.Evaluation;

public sealed class ProbeCommandTests
{
    private static readonly HttpProbe s_landing = new("POST", "http://deathstar/v1/request-landing", 200, "Ship landed");

    [Fact]
    public void Http_probe_runs_curl_with_connect_timeout_and_status_trailer()
    {
        var cmd = ProbeCommand.For(s_landing, 3);
        Assert.Equal(["curl", "-sS", "-X", "POST", "--connect-timeout", "3", "-m", "5", "-w", "\n%{http_code}", "http://deathstar/v1/request-landing"], cmd);
        Assert.Equal("kubectl exec xwing -- curl -sS -X POST --connect-timeout 3 -m 5 -w '\\n%{http_code}' http://deathstar/v1/request-landing", ProbeCommand.Display("xwing", cmd));
    }

    [Theory]
    [InlineData(0, "Ship landed\n\n200", ProbeCommand.Ending.Answered, 200)]
    [InlineData(0, "Access denied\n\n403", ProbeCommand.Ending.Denied, 403)]
    [InlineData(0, "Forbidden\n403", ProbeCommand.Ending.Answered, 403)]
    [InlineData(28, "\n000", ProbeCommand.Ending.Timeout, null)]
    [InlineData(7, "\n000", ProbeCommand.Ending.Denied, null)]
    [InlineData(56, "\n000", ProbeCommand.Ending.Denied, null)]
    [InlineData(6, "\n000", ProbeCommand.Ending.Error, null)]
    public void Curl_results_read_as_endings(int exit, string stdout, ProbeCommand.Ending ending, int? code)
    {
        var reading = ProbeCommand.Read(s_landing, exit, stdout, "");
        Assert.Equal(ending, reading.Ending);
        Assert.Equal(code, reading.Code);
    }

    [Fact]
    public void Curl_body_is_everything_before_the_status_line()
    {
        Assert.Equal("Ship landed\n", ProbeCommand.Read(s_landing, 0, "Ship landed\n\n200", "").Body);
    }

    [Theory]
    [InlineData(0, "", ProbeCommand.Ending.Answered)]
    [InlineData(1, "nc: connect to 10.1.0.3 port 80 (tcp) failed: Connection refused", ProbeCommand.Ending.Denied)]
    [InlineData(1, "nc: connect to 10.1.0.3 port 80 (tcp) timed out: Operation now in progress", ProbeCommand.Ending.Timeout)]
    [InlineData(1, "nc: getaddrinfo for host \"nope\" port 80: Name or service not known", ProbeCommand.Ending.Error)]
    public void Nc_results_read_as_endings(int exit, string stderr, ProbeCommand.Ending ending)
    {
        Assert.Equal(ending, ProbeCommand.Read(new TcpProbe("10.1.0.3", 80), exit, "", stderr).Ending);
    }

    [Theory]
    [InlineData(0, "10.96.0.10\n", ProbeCommand.Ending.Answered)]
    [InlineData(0, "", ProbeCommand.Ending.Denied)]
    [InlineData(9, "", ProbeCommand.Ending.Timeout)]
    public void Dig_results_read_as_endings(int exit, string stdout, ProbeCommand.Ending ending)
    {
        Assert.Equal(ending, ProbeCommand.Read(new DnsProbe("deathstar.default.svc.cluster.local"), exit, stdout, "").Ending);
        Assert.Equal(["dig", "+short", "+time=2", "+tries=1", "x"], ProbeCommand.For(new DnsProbe("x"), 2));
    }
}
