using LabSite.Clusters.Netns.Dns;

namespace LabSite.Clusters.Netns.Tests.Dns;

public class DnsMessageTests
{
    // Query id 0x1234, RD, one question: deathstar.default.svc.cluster.local A IN.
    private static byte[] Query(string name, ushort type = 1)
    {
        var bytes = new List<byte> { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
        foreach (var label in name.Split('.'))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(label));
        }

        bytes.AddRange([0, (byte)(type >> 8), (byte)type, 0, 1]);
        return bytes.ToArray();
    }

    [Fact]
    public void ParsesTheQuestionCaseInsensitively()
    {
        var q = DnsMessage.ParseQuery(Query("DeathStar.default.svc.cluster.local"));
        Assert.NotNull(q);
        Assert.Equal(("deathstar.default.svc.cluster.local", (ushort)1, (ushort)0x1234, true), (q!.Name, q.Type, q.Id, q.RecursionDesired));
    }

    [Fact]
    public void AnswerCarriesTheAddress()
    {
        var query = Query("deathstar.default.svc.cluster.local");
        var q = DnsMessage.ParseQuery(query)!;
        var r = DnsMessage.Response(query, q, DnsMessage.NoError, System.Net.IPAddress.Parse("10.96.0.1"), 30);
        Assert.Equal([0x12, 0x34, 0x85, 0x80, 0, 1, 0, 1], r[..8]);
        Assert.Equal([10, 96, 0, 1], r[^4..]);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { 0x12, 0x34, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1 })] // a response, not a query
    [InlineData(new byte[] { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 9, 97, 98 })] // label runs past the end
    [InlineData(new byte[] { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 0x0C, 0, 1, 0, 1 })] // compression pointer
    [InlineData(new byte[] { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 1, 97, 0, 0 })] // question cut short
    public void MalformedQueriesAreIgnored(byte[] message) => Assert.Null(DnsMessage.ParseQuery(message));
}
