using LabSite.Clusters.Netns.Proxy.Listener;

namespace LabSite.Clusters.Netns.Tests.Proxy.Listener;

public sealed class NetworkNamespaceThreadTests
{
    [Fact]
    public void MissingNamespaceIsReportedWithPathAndErrno()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new NetworkNamespaceThread("/run/netns/labsite-no-such-namespace"));

        Assert.Equal("open /run/netns/labsite-no-such-namespace: ENOENT: No such file or directory", e.Message);
    }

    [Fact]
    public void AFileThatIsNotANamespaceIsRefusedBySetns()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new NetworkNamespaceThread("/proc/self/status"));

        Assert.Equal("setns /proc/self/status: EINVAL: Invalid argument", e.Message);
    }

    [Fact]
    public async Task JobsRunInTheNamespaceAndExceptionsComeBack()
    {
        using var own = new NetworkNamespaceThread($"/proc/{Environment.ProcessId}/ns/net");

        Assert.Equal(42, await own.RunAsync(() => 42));
        await Assert.ThrowsAsync<ArithmeticException>(() => own.RunAsync<int>(() => throw new ArithmeticException()));
    }
}
