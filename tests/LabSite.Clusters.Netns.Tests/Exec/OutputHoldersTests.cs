using System.Diagnostics;
using LabSite.Clusters.Netns.Exec;

namespace LabSite.Clusters.Netns.Tests.Exec;

/// <summary>A process that outlives the program it came from and holds its output is found by the pipe and killed.</summary>
public sealed class OutputHoldersTests
{
    [Fact]
    public async Task The_process_left_holding_a_programs_output_is_killed_and_the_output_ends()
    {
        var duration = $"60.{Random.Shared.Next(100_000, 1_000_000)}";
        using var program = Process.Start(new ProcessStartInfo("sh", ["-c", $"sleep {duration} & echo left"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        var end = OutputHolders.Of(program.StandardOutput.BaseStream);
        var output = program.StandardOutput.ReadToEndAsync();
        await program.WaitForExitAsync();
        await Task.Delay(200);
        var heldAfterExit = !output.IsCompleted;

        var killed = OutputHolders.Kill([end!]);

        Assert.StartsWith("pipe:[", end);
        Assert.True(heldAfterExit, "the background sleep did not hold the output, so this proves nothing");
        Assert.Equal(1, killed);
        Assert.Equal("left\n", await output.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Only_processes_on_the_given_ends_are_touched()
    {
        Assert.Equal(0, OutputHolders.Kill(["pipe:[0]", "/dev/pts/nonexistent"]));
    }
}
