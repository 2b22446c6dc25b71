using LabSite.Clusters.Netns.Dns;

namespace LabSite.Clusters.Netns.Tests.Dns;

/// <summary>Queries a hostile pod could send to the cluster DNS: none may throw, loop or be answered as if valid.</summary>
public class DnsHostileInputTests
{
    private static readonly byte[] s_header = [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];

    private static byte[] Message(params byte[] question) => [.. s_header, .. question];

    [Fact]
    public void CompressionPointerLoopsAreRefused()
    {
        // A name that is a pointer to itself (offset 12), and one pointing back into a label.
        Assert.Null(DnsMessage.ParseQuery(Message(0xC0, 0x0C, 0, 1, 0, 1)));
        Assert.Null(DnsMessage.ParseQuery(Message(1, (byte)'a', 0xC0, 0x0C, 0, 1, 0, 1)));
    }

    [Fact]
    public void NamesLongerThan255BytesAreRefused()
    {
        var q = new List<byte>();
        for (var i = 0; i < 5; i++)
        {
            q.Add(63);
            q.AddRange(Enumerable.Repeat((byte)'a', 63));
        }
        q.AddRange([0, 0, 1, 0, 1]);
        Assert.Null(DnsMessage.ParseQuery(Message([.. q])));
    }

    [Fact]
    public void TheLongestLegalNameIsAccepted()
    {
        // Three 63-byte labels and one 61-byte label: 255 bytes with the length octets and the root.
        var q = new List<byte>();
        foreach (var len in new[] { 63, 63, 63, 61 })
        {
            q.Add((byte)len);
            q.AddRange(Enumerable.Repeat((byte)'a', len));
        }
        q.AddRange([0, 0, 1, 0, 1]);
        Assert.NotNull(DnsMessage.ParseQuery(Message([.. q])));
    }

    [Fact]
    public void TruncatedQuestionsAreRefused()
    {
        byte[] full = Message(3, (byte)'a', (byte)'p', (byte)'i', 0, 0, 1, 0, 1);
        for (var n = 0; n < full.Length; n++)
        {
            Assert.Null(DnsMessage.ParseQuery(full.AsSpan(0, n)));
        }
        Assert.NotNull(DnsMessage.ParseQuery(full));
    }

    [Fact]
    public void RandomBytesNeverThrowFromTheServerPath()
    {
        // Seeded, so a failure reproduces; the answer path is what the socket loop runs for each datagram.
        var random = new Random(17);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(0, 600)];
            random.NextBytes(bytes);
            if (bytes.Length > 5 && i % 2 == 0)
            {
                bytes[2] &= 0x7F; // make it look like a query more often
                bytes[4] = 0;
                bytes[5] = 1;
            }
            var q = DnsMessage.ParseQuery(bytes);
            if (q is not null)
            {
                var reply = DnsMessage.Response(bytes, q, DnsMessage.ServerFailure, null, 30);
                Assert.Equal(bytes[0], reply[0]); // the reply echoes the query id
            }
        }
    }
}
