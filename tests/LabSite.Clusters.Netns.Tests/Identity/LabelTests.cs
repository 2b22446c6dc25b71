using LabSite.Clusters.Netns.Identity;

namespace LabSite.Clusters.Netns.Tests.Identity;

public class LabelTests
{
    [Theory]
    [InlineData("k8s:org=empire", "k8s", "org", "empire", "k8s:org=empire")]
    [InlineData("reserved:host", "reserved", "host", "", "reserved:host")]
    [InlineData("org=empire", "any", "org", "empire", "any:org=empire")]
    [InlineData("k8s:a=b:c", "k8s", "a", "b:c", "k8s:a=b:c")]
    [InlineData("cidr:10.0.0.0/8", "cidr", "10.0.0.0/8", "", "cidr:10.0.0.0/8")]
    public void Parses_source_key_value_and_prints_back(string text, string source, string key, string value, string printed)
    {
        var l = Label.Parse(text);
        Assert.Equal((source, key, value), (l.Source, l.Key, l.Value));
        Assert.Equal(printed, l.ToString());
    }

    [Fact]
    public void Empty_key_is_a_clear_error()
    {
        var ex = Assert.Throws<FormatException>(() => Label.Parse("k8s:=x"));
        Assert.Contains("empty key", ex.Message);
    }

    [Fact]
    public void Label_sets_are_order_insensitive()
    {
        var a = new LabelSet([Label.K8s("b", "2"), Label.K8s("a", "1")]);
        var b = new LabelSet([Label.K8s("a", "1"), Label.K8s("b", "2"), Label.K8s("a", "1")]);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal("k8s:a=1,k8s:b=2", a.ToString());
    }
}
