using LabSite.Testing;

namespace LabSite.Agent.Tests;

/// <summary>The pinned real kubectl from scripts/setup.sh is where the Kubernetes API tests will look for it.</summary>
public sealed class RealKubectlTests
{
    [Fact]
    public async Task Setup_installs_the_pinned_kubectl_1_34()
    {
        var run = await RealKubectl.RunAsync("version", "--client", "-o", "json");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("\"gitVersion\": \"v1.34.", run.Stdout);
    }
}
