using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;

namespace LabSite.Agent.Server.KubeApi;

/// <summary>
/// kubectl's typed clients (<c>kubectl create secret</c>, <c>kubectl create configmap</c>) send built-in objects as
/// Kubernetes protobuf (<c>k8s\0</c> + a <c>runtime.Unknown</c> envelope) and do not retry with JSON. This reads the
/// two kinds they create that way into the JSON the rest of the API handles: metadata (name, generateName, namespace,
/// labels, annotations), Secret <c>data</c>/<c>stringData</c>/<c>type</c>/<c>immutable</c>, ConfigMap
/// <c>data</c>/<c>binaryData</c>/<c>immutable</c>. Field numbers are those of k8s.io/api's generated.proto.
/// Anything else is refused (null), as an unknown format.
/// </summary>
internal static class ProtobufBodies
{
    public const string ContentType = "application/vnd.kubernetes.protobuf";
    private static readonly byte[] s_magic = "k8s\0"u8.ToArray();

    public static JsonObject? Read(byte[] body)
    {
        if (body.Length < 4 || !body.AsSpan(0, 4).SequenceEqual(s_magic))
        {
            return null;
        }
        try
        {
            string? apiVersion = null, kind = null;
            ByteString? raw = null;
            var envelope = new CodedInputStream(body, 4, body.Length - 4);
            uint tag;
            while ((tag = envelope.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(tag))
                {
                    case 1:
                        var typeMeta = new CodedInputStream(envelope.ReadBytes().ToByteArray());
                        uint t;
                        while ((t = typeMeta.ReadTag()) != 0)
                        {
                            switch (WireFormat.GetTagFieldNumber(t))
                            {
                                case 1: apiVersion = typeMeta.ReadString(); break;
                                case 2: kind = typeMeta.ReadString(); break;
                                default: typeMeta.SkipLastField(); break;
                            }
                        }
                        break;
                    case 2:
                        raw = envelope.ReadBytes();
                        break;
                    default:
                        envelope.SkipLastField();
                        break;
                }
            }
            if (apiVersion != "v1" || raw is null || kind is not ("Secret" or "ConfigMap"))
            {
                return null;
            }
            var obj = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
            var input = new CodedInputStream(raw.ToByteArray());
            while ((tag = input.ReadTag()) != 0)
            {
                var field = WireFormat.GetTagFieldNumber(tag);
                switch (kind, field)
                {
                    case (_, 1): obj["metadata"] = Metadata(input.ReadBytes()); break;
                    case ("Secret", 2): Entry(obj, "data", input.ReadBytes(), base64: true); break;
                    case ("Secret", 3): obj["type"] = input.ReadString(); break;
                    case ("Secret", 4): Entry(obj, "stringData", input.ReadBytes(), base64: false); break;
                    case ("Secret", 5): obj["immutable"] = input.ReadBool(); break;
                    case ("ConfigMap", 2): Entry(obj, "data", input.ReadBytes(), base64: false); break;
                    case ("ConfigMap", 3): Entry(obj, "binaryData", input.ReadBytes(), base64: true); break;
                    case ("ConfigMap", 4): obj["immutable"] = input.ReadBool(); break;
                    default: input.SkipLastField(); break;
                }
            }
            return obj;
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    private static JsonObject Metadata(ByteString bytes)
    {
        var meta = new JsonObject();
        var input = new CodedInputStream(bytes.ToByteArray());
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: meta["name"] = input.ReadString(); break;
                case 2: meta["generateName"] = input.ReadString(); break;
                case 3: meta["namespace"] = input.ReadString(); break;
                case 11: Entry(meta, "labels", input.ReadBytes(), base64: false); break;
                case 12: Entry(meta, "annotations", input.ReadBytes(), base64: false); break;
                default: input.SkipLastField(); break;
            }
        }
        return meta;
    }

    /// <summary>One map entry (key = 1, value = 2) into <c>obj[field]</c>; bytes values as base64, as JSON carries them.</summary>
    private static void Entry(JsonObject obj, string field, ByteString bytes, bool base64)
    {
        var input = new CodedInputStream(bytes.ToByteArray());
        string key = "";
        var value = ByteString.Empty;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: key = input.ReadString(); break;
                case 2: value = input.ReadBytes(); break;
                default: input.SkipLastField(); break;
            }
        }
        var map = obj[field] as JsonObject ?? [];
        map[key] = base64 ? Convert.ToBase64String(value.Span) : Encoding.UTF8.GetString(value.Span);
        obj[field] = map;
    }
}
