using LabSite.Clusters.Contract.Flows;

namespace LabSite.Clusters.Contract.Tests.Flows;

public class DropReasonTests
{
    [Fact]
    public void Every_known_reason_has_cilium_monitors_text()
    {
        foreach (var reason in Enum.GetValues<DropReason>().Where(r => r != DropReason.DROP_REASON_UNKNOWN))
        {
            Assert.DoesNotContain("Unknown drop reason", DropReasonText.For((int)reason), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(DropReason.POLICY_DENIED, 133, "Policy denied")]
    [InlineData(DropReason.POLICY_DENY, 181, "Policy denied by denylist")]
    [InlineData(DropReason.DROP_EP_NOT_READY, 203, "Endpoint policy program not available")]
    public void Numbers_and_texts_are_ciliums(DropReason reason, int code, string text)
    {
        Assert.Equal(code, (int)reason);
        Assert.Equal(text, DropReasonText.For(code));
    }

    [Fact]
    public void Unknown_codes_print_their_number() => Assert.Equal("Unknown drop reason 250", DropReasonText.For(250));
}
