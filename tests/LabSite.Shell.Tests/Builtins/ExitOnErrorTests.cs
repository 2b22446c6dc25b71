using LabSite.Shell.Tests.Support;

namespace LabSite.Shell.Tests.Builtins;

/// <summary><c>set -e</c> as solution blocks run: the first failing line ends the script unless &amp;&amp;/|| tests it.</summary>
public sealed class ExitOnErrorTests
{
    private static async Task<(int Status, string Out)> RunAsync(string script, bool exitOnError)
    {
        using var shell = new ShellHarness();
        var interpreter = new ShellInterpreter(shell.Session) { ExitOnError = exitOnError };
        var output = new StringWriter();
        var status = await interpreter.RunAsync(script, output, output, CancellationToken.None);
        return (status, output.ToString());
    }

    [Fact]
    public async Task A_failing_line_stops_the_script_and_its_status_is_the_scripts()
    {
        var (status, output) = await RunAsync("echo one\nfalse\necho two", exitOnError: true);

        Assert.Equal(1, status);
        Assert.Contains("one", output, StringComparison.Ordinal);
        Assert.DoesNotContain("two", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_it_a_later_line_hides_the_failure()
    {
        var (status, output) = await RunAsync("echo one\nfalse\necho two", exitOnError: false);

        Assert.Equal(0, status);
        Assert.Contains("two", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("false || echo fallback\necho after", "after")]
    [InlineData("false && echo never\necho after", "after")]
    [InlineData("false; echo never", null)]
    [InlineData("true && false\necho never", null)]
    [InlineData("no-such-command\necho never", null)]
    public async Task Tested_failures_go_on_and_untested_ones_stop(string script, string? lastOutput)
    {
        var (status, output) = await RunAsync(script, exitOnError: true);

        if (lastOutput is null)
        {
            Assert.NotEqual(0, status);
            Assert.DoesNotContain("never", output, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(0, status);
            Assert.EndsWith(lastOutput + "\n", output, StringComparison.Ordinal);
        }
    }
}
