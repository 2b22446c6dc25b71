using LabSite.Clusters.Netns.Exec;

namespace LabSite.Clusters.Netns.Tests.Exec;

/// <summary>Hostile and malformed exec commands are refused before anything runs, with a clear reason.</summary>
public class ExecValidationTests
{
    [Theory]
    [InlineData("curl", "-s", "deathstar/v1")]
    [InlineData("/usr/bin/curl", "-s", "x")]
    [InlineData("/bin/ping", "-c", "1", "10.1.0.2")]
    // Shell syntax in arguments is harmless text for the program: there is no shell.
    [InlineData("echo", "; rm -rf /")]
    [InlineData("echo", "$(id)", "`id`", "&&", "|", ">", "/etc/passwd")]
    [InlineData("cat", "../../../../etc/shadow")]
    [InlineData("sh", "-c", "echo hi | nc -u -w 2 10.0.0.1 53")]
    [InlineData("/bin/sh")]
    public void AllowedProgramsPass(params string[] command) => Assert.Null(ExecValidation.Check(command));

    [Theory]
    [InlineData("\"bash\": executable not available", "bash")]
    [InlineData("\"/bin/bash\": executable not available", "/bin/bash", "-c", "curl x")]
    [InlineData("\"curl; rm -rf /\": executable not available", "curl; rm -rf /")]
    [InlineData("executable not available", "../../usr/bin/curl")]
    [InlineData("executable not available", "/usr/bin/../bin/sh")]
    [InlineData("executable not available", "/tmp/curl")]
    [InlineData("executable not available", "python3", "-c", "print(1)")]
    [InlineData("executable not available", "nsenter", "--net=/proc/1/ns/net")]
    [InlineData("executable not available", "bwrap")]
    public void OtherProgramsAreRefusedNamingTheAllowList(string expected, params string[] command)
    {
        var error = ExecValidation.Check(command);
        Assert.NotNull(error);
        Assert.Contains(expected, error);
        Assert.Contains("available: cat, curl, dash, date, dig", error);
    }

    [Fact]
    public void EmptyCommandExplainsUsage() =>
        Assert.Equal("exec: no command given (usage: kubectl exec POD -- COMMAND [ARGS...])", ExecValidation.Check([]));

    [Fact]
    public void NulBytesAreRefusedWithTheirPosition() =>
        Assert.Equal("exec: argument 2 contains a NUL byte", ExecValidation.Check(["curl", "-s", "dea\0thstar"]));

    [Fact]
    public void HugeArgumentsAreRefused()
    {
        Assert.Equal("exec: argument 1 is 9000 characters long; at most 8192 are allowed", ExecValidation.Check(["echo", new string('a', 9000)]));
        Assert.Equal("exec: 300 arguments given; at most 256 are allowed", ExecValidation.Check(["echo", .. Enumerable.Repeat("x", 299)]));
        Assert.Equal("exec: the command is 72004 characters long; at most 65536 are allowed", ExecValidation.Check(["echo", .. Enumerable.Repeat(new string('b', 8000), 9)]));
    }

    [Fact]
    public void LongProgramNamesAreShortenedInTheMessage()
    {
        var error = ExecValidation.Check([new string('x', 500)]);
        Assert.Contains(new string('x', 60) + "...\"", error);
        Assert.DoesNotContain(new string('x', 61), error);
    }
}
