using System.Globalization;
using LabSite.Clusters.Contract;

namespace LabSite.Clusters.Netns.Capture;

/// <summary>
/// The learner's tcpdump arguments, checked before anything runs: an interface of the node (<c>eth0</c>, the underlay,
/// or <c>cilium_vxlan</c>), a packet count (at most <see cref="MaxPackets"/>), display flags only (<c>-n -v -A -X -x -e
/// -q -t -S -l</c>), and a filter expression of pcap words. Everything that writes, runs or reads files (<c>-w -z -Z -r
/// -F -C -G -W -V --...</c>) is refused by name. The expression goes to the privileged capture as one argv word after
/// <c>--</c> (never a shell), limited to pcap-filter's characters.
/// </summary>
internal sealed record CaptureArguments(string Interface, int Count, IReadOnlyList<string> DisplayFlags, string Expression)
{
    public const int MaxPackets = 200;
    public const int DefaultPackets = 20;
    public const int MaxExpressionLength = 256;
    public static readonly IReadOnlyList<string> Interfaces = ["eth0", Kernel.LabOverlay.Device];
    private const string DisplayLetters = "nvAXxeqtSl";

    public static CaptureArguments Parse(IReadOnlyList<string> args)
    {
        string? iface = null;
        int? count = null;
        var display = new List<string>();
        var expression = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (a == "--")
            {
                expression.AddRange(args.Skip(i + 1));
                break;
            }
            if (!a.StartsWith('-') || a == "-")
            {
                expression.Add(a);
                continue;
            }
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                throw Refuse($"option {Quote(a)} is not available here (display flags -n -v -A -X -x -e -q -t -S -l, -i INTERFACE, -c COUNT)");
            }
            // Short flags may be grouped (-nni eth0, -c5); i and c take the rest of the word or the next one.
            for (var j = 1; j < a.Length; j++)
            {
                var letter = a[j];
                if (letter is 'i' or 'c')
                {
                    var value = j + 1 < a.Length ? a[(j + 1)..] : ++i < args.Count ? args[i] : throw Refuse($"option -{letter} needs a value");
                    if (letter == 'i')
                    {
                        iface = Interfaces.Contains(value) ? value
                            : throw Refuse($"interface {Quote(value)}: a node capture sees only {string.Join(" and ", Interfaces)} (the node's underlay and its VXLAN tunnel)");
                    }
                    else
                    {
                        count = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c is >= 1 and <= MaxPackets ? c
                            : throw Refuse($"packet count {Quote(value)}: use 1 to {MaxPackets}");
                    }
                    break;
                }
                if (!DisplayLetters.Contains(letter))
                {
                    throw Refuse(letter switch
                    {
                        'w' => "-w is refused: a node capture prints packets, it never writes files",
                        'z' => "-z is refused: a node capture runs no commands",
                        'Z' => "-Z is refused: the capture's user is fixed",
                        'r' or 'F' or 'V' => $"-{letter} is refused: a node capture reads no files",
                        'C' or 'G' or 'W' => $"-{letter} is refused: a node capture writes no files",
                        _ => $"option -{letter} is not available here (display flags -n -v -A -X -x -e -q -t -S -l, -i INTERFACE, -c COUNT)",
                    });
                }
                display.Add("-" + letter);
            }
        }
        var text = string.Join(' ', expression);
        if (text.Length > MaxExpressionLength)
        {
            throw Refuse($"the filter expression is {text.Length} characters: at most {MaxExpressionLength}");
        }
        if (text.FirstOrDefault(c => !(char.IsAsciiLetterOrDigit(c) || " .:/()!&|=<>[]+-*_".Contains(c))) is var bad and not '\0')
        {
            throw Refuse($"the filter expression has {Quote(bad.ToString())}: use pcap-filter words, numbers, addresses and ( ) ! & | = < > [ ] + - *");
        }
        return new CaptureArguments(iface ?? "eth0", count ?? DefaultPackets, display, text);
    }

    private static ClusterException Refuse(string what) => new($"tcpdump: {what}");

    private static string Quote(string text) =>
        "\"" + new string([.. (text.Length > 32 ? text[..32] + "..." : text).Select(c => char.IsControl(c) ? '?' : c)]) + "\"";
}
