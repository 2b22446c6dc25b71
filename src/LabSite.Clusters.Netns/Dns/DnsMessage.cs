using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace LabSite.Clusters.Netns.Dns;

/// <summary>
/// Just enough of RFC 1035 for cluster DNS: read a query's id, flags and first question; write a
/// response that echoes the question with zero or one A answer and a response code.
/// </summary>
internal static class DnsMessage
{
    public const ushort TypeA = 1;
    public const byte NoError = 0;
    public const byte FormatError = 1;
    public const byte ServerFailure = 2;
    public const byte NameError = 3;
    public const byte Refused = 5;

    /// <summary>Record type names as Hubble prints them in <c>qtypes</c>/<c>rrtypes</c> (numbers for the rest).</summary>
    public static string TypeName(ushort type) => type switch
    {
        1 => "A",
        2 => "NS",
        5 => "CNAME",
        6 => "SOA",
        12 => "PTR",
        15 => "MX",
        16 => "TXT",
        28 => "AAAA",
        33 => "SRV",
        255 => "ANY",
        _ => "TYPE" + type.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Response codes as Hubble's summary names them.</summary>
    public static string RcodeName(byte rcode) => rcode switch
    {
        NoError => "No Error",
        FormatError => "Format Error",
        ServerFailure => "Server Failure",
        NameError => "Non-Existent Domain",
        4 => "Not Implemented",
        Refused => "Query Refused",
        _ => "RCode " + rcode.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public sealed record Question(ushort Id, bool RecursionDesired, string Name, ushort Type, ushort Class, int End);

    /// <summary>The first question, or null for anything that is not a well-formed standard query.</summary>
    public static Question? ParseQuery(ReadOnlySpan<byte> m)
    {
        if (m.Length < 12 || (m[2] & 0x80) != 0 || BinaryPrimitives.ReadUInt16BigEndian(m[4..]) < 1)
        {
            return null;
        }

        var labels = new List<string>();
        var at = 12;
        // Bounded by the message length; compression pointers are not valid in a question we accept.
        while (at < m.Length && m[at] != 0)
        {
            int len = m[at];
            // 63: longest label (and any compression pointer, 0xC0+, fails it); 255: longest name on the wire.
            if (len > 63 || at + 1 + len > m.Length || at + 1 + len - 12 > 254)
            {
                return null;
            }

            labels.Add(Encoding.ASCII.GetString(m.Slice(at + 1, len)));
            at += 1 + len;
        }

        if (at + 5 > m.Length)
        {
            return null;
        }

        var type = BinaryPrimitives.ReadUInt16BigEndian(m[(at + 1)..]);
        var cls = BinaryPrimitives.ReadUInt16BigEndian(m[(at + 3)..]);
        return new Question(BinaryPrimitives.ReadUInt16BigEndian(m), (m[2] & 0x01) != 0, string.Join('.', labels).ToLowerInvariant(), type, cls, at + 5);
    }

    public static byte[] Response(ReadOnlySpan<byte> query, Question q, byte rcode, IPAddress? answer, uint ttl)
    {
        var question = query[12..q.End];
        var size = 12 + question.Length + (answer is null ? 0 : 16);
        var r = new byte[size];
        BinaryPrimitives.WriteUInt16BigEndian(r, q.Id);
        r[2] = (byte)(0x80 | 0x04 | (q.RecursionDesired ? 0x01 : 0)); // QR, AA, RD echoed
        r[3] = (byte)(0x80 | rcode); // RA, as CoreDNS sets it (nslookup warns without it)
        BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(4), 1);
        BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(6), (ushort)(answer is null ? 0 : 1));
        question.CopyTo(r.AsSpan(12));
        if (answer is not null)
        {
            var a = r.AsSpan(12 + question.Length);
            BinaryPrimitives.WriteUInt16BigEndian(a, 0xC00C); // name: pointer to the question
            BinaryPrimitives.WriteUInt16BigEndian(a[2..], TypeA);
            BinaryPrimitives.WriteUInt16BigEndian(a[4..], 1);
            BinaryPrimitives.WriteUInt32BigEndian(a[6..], ttl);
            BinaryPrimitives.WriteUInt16BigEndian(a[10..], 4);
            answer.TryWriteBytes(a[12..], out _);
        }

        return r;
    }
}
