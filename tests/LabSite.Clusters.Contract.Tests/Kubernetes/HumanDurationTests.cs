using LabSite.Clusters.Contract.Kubernetes.Tables;

namespace LabSite.Clusters.Contract.Tests.Kubernetes;

public class HumanDurationTests
{
    [Theory]
    [InlineData(-5, "<invalid>")]
    [InlineData(-1, "0s")]
    [InlineData(0, "0s")]
    [InlineData(5, "5s")]
    [InlineData(45, "45s")]
    [InlineData(119, "119s")]
    [InlineData(120, "2m")]
    [InlineData(182, "3m2s")]
    [InlineData(200, "3m20s")]
    [InlineData(599, "9m59s")]
    [InlineData(600, "10m")]
    [InlineData(42 * 60, "42m")]
    [InlineData(3 * 3600 - 1, "179m")]
    [InlineData(3 * 3600, "3h")]
    [InlineData(5 * 3600 + 3 * 60, "5h3m")]
    [InlineData(5 * 3600 + 600, "5h10m")]
    [InlineData(20 * 3600, "20h")]
    [InlineData(48 * 3600, "2d")]
    [InlineData(3 * 86400 + 4 * 3600, "3d4h")]
    [InlineData(30 * 86400, "30d")]
    [InlineData(2 * 365 * 86400 + 10 * 86400, "2y10d")]
    [InlineData(3 * 365 * 86400 + 5 * 86400, "3y5d")]
    [InlineData(9 * 365 * 86400, "9y")]
    public void Formats_like_kubectl(long seconds, string expected) =>
        Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromSeconds(seconds)));
}
