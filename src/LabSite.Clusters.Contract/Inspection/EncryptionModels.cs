using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LabSite.Clusters.Contract.Inspection;

/// <summary>
/// One node's transparent encryption, as Cilium's <c>EncryptionStatus</c> model (<c>cilium-dbg encrypt status</c>):
/// the mode (<c>Disabled</c> or <c>IPsec</c>), a message (a refused key), the interfaces ESP is decrypted on, the keys
/// in use (2 while a rotation is in flight), the highest outbound sequence number and XFRM's error counters by name.
/// <see cref="States"/> are the node's security associations, for checks and tests (Cilium prints them with
/// <c>ip xfrm state</c>, never with their keys here).
/// </summary>
public sealed record EncryptionStatusModel(
    string Node,
    string Mode,
    string? Message,
    IReadOnlyList<string> DecryptInterfaces,
    int KeysInUse,
    string MaxSeqNumber,
    IReadOnlyDictionary<string, long> XfrmErrors,
    IReadOnlyList<XfrmStateModel>? States = null)
{
    public long ErrorCount => XfrmErrors.Values.Sum();

    /// <summary>Cilium's text (its <c>printEncryptionStatus</c> pads values to 26 columns).</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        if (Message is { Length: > 0 })
        {
            sb.Append(CultureInfo.InvariantCulture, $"Msg: {Message}\n");
        }
        sb.Append(CultureInfo.InvariantCulture, $"Encryption: {Mode,-26}\n");
        if (Mode == "IPsec")
        {
            sb.Append(CultureInfo.InvariantCulture, $"Decryption interface(s): {string.Join(", ", DecryptInterfaces)}\n");
            sb.Append(CultureInfo.InvariantCulture, $"Keys in use: {KeysInUse,-26}\n");
            sb.Append(CultureInfo.InvariantCulture, $"Max Seq. Number: {MaxSeqNumber}\n");
            sb.Append(CultureInfo.InvariantCulture, $"Errors: {ErrorCount,-26}\n");
            foreach (var (name, count) in XfrmErrors.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                sb.Append(CultureInfo.InvariantCulture, $"\t{name}: {count,-26}\n");
            }
        }
        return sb.ToString();
    }

    /// <summary>The JSON of Cilium's model (<c>-o json</c>).</summary>
    public string ToJson()
    {
        var o = new JsonObject { ["mode"] = Mode };
        if (Message is { Length: > 0 })
        {
            o["msg"] = Message;
        }
        if (Mode == "IPsec")
        {
            o["ipsec"] = new JsonObject
            {
                ["decrypt-interfaces"] = new JsonArray([.. DecryptInterfaces.Select(i => (JsonNode)JsonValue.Create(i))]),
                ["error-count"] = ErrorCount,
                ["keys-in-use"] = KeysInUse,
                ["max-seq-number"] = MaxSeqNumber,
                ["xfrm-errors"] = new JsonObject(XfrmErrors.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => KeyValuePair.Create(e.Key, (JsonNode?)e.Value))),
            };
        }
        return o.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }
}

/// <summary>One ESP security association of a node (an XFRM state): direction, addresses, SPI, algorithm, counters.</summary>
public sealed record XfrmStateModel(string Source, string Destination, uint Spi, string Direction, string Algorithm, int IcvBits, uint Sequence, long Packets, long Bytes);

/// <summary>
/// A read-only packet capture on one node of the lab (<c>tcpdump</c>'s own flags and filter expression, on the node's
/// <c>eth0</c> or <c>cilium_vxlan</c>). With <see cref="While"/>, that command runs in a pod once the capture listens,
/// and the capture ends shortly after it (the lab shell runs one command at a time, so traffic comes with the capture).
/// <see cref="Node"/> is a node's name, <c>pod/[NAMESPACE/]POD</c> for the node a pod runs on, or
/// <see cref="AgentDaemonSet"/> for the first node, where <c>kubectl exec ds/cilium</c> lands.
/// </summary>
public sealed record NodeCaptureRequest(string Node, IReadOnlyList<string> Arguments, ExecRequest? While = null)
{
    /// <summary>The node <c>kubectl -n kube-system exec ds/cilium -- tcpdump ...</c> captures on: the first node.</summary>
    public const string AgentDaemonSet = "ds/cilium";
}

/// <summary>
/// What the capture printed (packets in <see cref="Output"/>, tcpdump's own lines in <see cref="Errors"/>), its exit
/// code, and the <c>While</c> command's output and exit code; a refused capture says why with exit code 1.
/// </summary>
public sealed record NodeCaptureReply(int ExitCode, string Output, string Errors, string? WhileOutput = null, int? WhileExitCode = null);
