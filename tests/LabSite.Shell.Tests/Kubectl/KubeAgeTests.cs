using LabSite.Shell.Kubectl;

namespace LabSite.Shell.Tests.Kubectl;

public class KubeAgeTests
{
    [Theory]
    [InlineData(-5, "<invalid>")]
    [InlineData(0, "0s")]
    [InlineData(45, "45s")]
    [InlineData(119, "119s")]
    [InlineData(120, "2m")]
    [InlineData(200, "3m20s")]
    [InlineData(42 * 60, "42m")]
    [InlineData(5 * 3600 + 600, "5h10m")]
    [InlineData(20 * 3600, "20h")]
    [InlineData(3 * 86400 + 4 * 3600, "3d4h")]
    [InlineData(30 * 86400, "30d")]
    [InlineData(3 * 365 * 86400 + 5 * 86400, "3y5d")]
    public void Formats_like_kubectl(int seconds, string age) => Assert.Equal(age, KubeAge.Format(TimeSpan.FromSeconds(seconds)));
}
