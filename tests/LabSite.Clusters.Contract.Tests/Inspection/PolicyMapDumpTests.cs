using LabSite.Clusters.Contract.Inspection;

namespace LabSite.Clusters.Contract.Tests.Inspection;

public class PolicyMapDumpTests
{
    private static readonly PolicyMapDump s_sample = new(232,
    [
        new PolicyMapEntryDump(false, true, 0, 0, 0, 0),
        new PolicyMapEntryDump(false, false, 31028, 6, 80, 24),
        new PolicyMapEntryDump(false, false, 1, 0, 0, 0, Packets: 1013, Bytes: 87760),
        new PolicyMapEntryDump(true, false, 22654, 6, 8080, 20),
    ]);

    [Fact]
    public void Numeric_table_matches_cilium_dbg()
    {
        Assert.Equal(
            "POLICY   DIRECTION   IDENTITY   PORT/PROTO      PROXY PORT   AUTH TYPE   BYTES   PACKETS   PREFIX   \n"
            + "Deny     Ingress     22654      8080-8095/TCP   NONE         disabled    -       -         20       \n"
            + "Allow    Ingress     1          ANY             NONE         disabled    87760   1013      0        \n"
            + "Allow    Ingress     31028      80/TCP          NONE         disabled    -       -         24       \n"
            + "Allow    Egress      0          ANY             NONE         disabled    -       -         0        \n",
            s_sample.ToText());
    }

    [Fact]
    public void Label_table_prints_one_label_per_line_and_any_for_zero()
    {
        var text = new PolicyMapDump(1, [new PolicyMapEntryDump(false, false, 31028, 6, 80, 24), new PolicyMapEntryDump(false, true, 0, 0, 0, 0)])
            .ToText(id => ["k8s:class=tiefighter", "k8s:org=empire"]);
        var lines = text.Split('\n');
        Assert.StartsWith("POLICY   DIRECTION   LABELS (source:key[=value])   PORT/PROTO", lines[0]);
        Assert.StartsWith("Allow    Ingress     k8s:class=tiefighter          80/TCP", lines[1]);
        Assert.Equal("                     k8s:org=empire", lines[2].TrimEnd());
        Assert.StartsWith("Allow    Egress      ANY                           ANY", lines[3]);
    }

    [Fact]
    public void Empty_map_says_so()
    {
        Assert.Equal("Policy stats empty. Perhaps the policy enforcement is disabled?\n", new PolicyMapDump(1, []).ToText());
    }

    [Fact]
    public void Json_uses_go_field_names_and_network_order_ports()
    {
        var json = new PolicyMapDump(1, [new PolicyMapEntryDump(false, false, 31028, 6, 80, 24)]).ToJson();
        var compact = string.Concat(json.Where(c => !char.IsWhiteSpace(c)));
        Assert.Equal(
            "[{\"ProxyPortNetwork\":0,\"Flags\":192,\"AuthRequirement\":0,\"ProxyPortPriority\":0,\"Pad1\":0,\"Pad2\":0,\"Packets\":18446744073709551615,\"Bytes\":18446744073709551615,\"Key\":{\"Prefixlen\":64,\"Identity\":31028,\"TrafficDirection\":0,\"Nexthdr\":6,\"DestPortNetwork\":20480}}]",
            compact);
        Assert.StartsWith("[\n  {\n    \"ProxyPortNetwork\": 0,", json);
    }
}
