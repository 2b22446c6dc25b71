using Google.Protobuf;
using LabSite.Agent.Server.KubeApi;

namespace LabSite.Agent.Tests;

/// <summary>
/// The protobuf bodies kubectl's typed clients send (<c>kubectl create secret|configmap</c>), read into JSON; anything
/// else, truncated or hostile, is refused (null: the API answers 415) rather than half read.
/// </summary>
public sealed class ProtobufBodiesTests
{
    [Fact]
    public void A_secret_envelope_becomes_the_json_object()
    {
        var meta = Message(w => { w.WriteTag(1, WireFormat.WireType.LengthDelimited); w.WriteString("cilium-ipsec-keys"); w.WriteTag(3, WireFormat.WireType.LengthDelimited); w.WriteString("kube-system"); });
        var entry = Message(w => { w.WriteTag(1, WireFormat.WireType.LengthDelimited); w.WriteString("keys"); w.WriteTag(2, WireFormat.WireType.LengthDelimited); w.WriteBytes(ByteString.CopyFromUtf8("3+ rfc4106(gcm(aes)) 00 128")); });
        var secret = Message(w =>
        {
            w.WriteTag(1, WireFormat.WireType.LengthDelimited); w.WriteBytes(meta);
            w.WriteTag(2, WireFormat.WireType.LengthDelimited); w.WriteBytes(entry);
            w.WriteTag(3, WireFormat.WireType.LengthDelimited); w.WriteString("Opaque");
        });
        var obj = ProtobufBodies.Read(Envelope("v1", "Secret", secret))!;
        Assert.Equal("Secret", (string?)obj["kind"]);
        Assert.Equal("cilium-ipsec-keys", (string?)obj["metadata"]?["name"]);
        Assert.Equal("kube-system", (string?)obj["metadata"]?["namespace"]);
        Assert.Equal(Convert.ToBase64String("3+ rfc4106(gcm(aes)) 00 128"u8.ToArray()), (string?)obj["data"]?["keys"]);
        Assert.Equal("Opaque", (string?)obj["type"]);
    }

    [Fact]
    public void Other_kinds_truncated_and_garbage_bodies_are_refused()
    {
        Assert.Null(ProtobufBodies.Read(Envelope("v1", "Pod", ByteString.Empty)));
        Assert.Null(ProtobufBodies.Read(Envelope("apps/v1", "Secret", ByteString.Empty)));
        Assert.Null(ProtobufBodies.Read("{\"kind\":\"Secret\"}"u8.ToArray()));
        var truncated = Envelope("v1", "Secret", Message(w => { w.WriteTag(1, WireFormat.WireType.LengthDelimited); w.WriteLength(1000); }));
        Assert.Null(ProtobufBodies.Read(truncated));
        var random = new Random(7);
        for (var i = 0; i < 500; i++)
        {
            var bytes = new byte[random.Next(4, 200)];
            random.NextBytes(bytes);
            "k8s\0"u8.CopyTo(bytes);
            _ = ProtobufBodies.Read(bytes); // never throws, whatever it decides
        }
    }

    private static byte[] Envelope(string apiVersion, string kind, ByteString raw)
    {
        var typeMeta = Message(w => { w.WriteTag(1, WireFormat.WireType.LengthDelimited); w.WriteString(apiVersion); w.WriteTag(2, WireFormat.WireType.LengthDelimited); w.WriteString(kind); });
        var unknown = Message(w => { w.WriteTag(1, WireFormat.WireType.LengthDelimited); w.WriteBytes(typeMeta); w.WriteTag(2, WireFormat.WireType.LengthDelimited); w.WriteBytes(raw); });
        return [.. "k8s\0"u8.ToArray(), .. unknown.ToByteArray()];
    }

    private static ByteString Message(Action<CodedOutputStream> write)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        write(output);
        output.Flush();
        return ByteString.CopyFrom(stream.ToArray());
    }
}
