using System.Globalization;
using LabSite.Clusters.Contract;

namespace LabSite.Clusters.Netns.Encryption;

/// <summary>
/// One IPsec key as Cilium reads it from its key file (the Secret <c>kube-system/cilium-ipsec-keys</c>, key
/// <c>keys</c>): <c>SPI[+] rfc4106(gcm(aes)) HEX ICV-BITS</c>. HEX is the AES key followed by GCM's 4-byte salt
/// (20 bytes for AES-128). The SPI (1-15 in Cilium, which keeps it in 4 bits of a packet mark) names the key on the
/// wire; a rotation installs a key with another SPI. Only the AEAD form is accepted: the lab's ESP is AES-GCM only.
/// </summary>
public sealed record IpsecKey(byte Spi, bool PerNodePair, byte[] Key, byte[] Salt, int IcvBits)
{
    public const string Algorithm = "rfc4106(gcm(aes))";
    public const string SecretNamespace = "kube-system";
    public const string SecretName = "cilium-ipsec-keys";
    public const string KeyFile = "keys";

    /// <summary>Where errors point: the Secret and its field.</summary>
    public const string FieldPath = $"Secret {SecretNamespace}/{SecretName}: data.{KeyFile}";

    /// <summary>Parses the key file's text; a <see cref="ClusterException"/> names the field and what is wrong.</summary>
    public static IpsecKey Parse(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length != 1)
        {
            throw Bad(lines.Length == 0 ? "empty: expected \"SPI rfc4106(gcm(aes)) HEXKEY 128\"" : $"{lines.Length} lines: expected one key line");
        }
        var fields = lines[0].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 5)
        {
            throw Bad("the \"SPI AUTH-ALGO AUTH-KEY ENC-ALGO ENC-KEY\" form is not supported here: use \"SPI rfc4106(gcm(aes)) HEXKEY 128\"");
        }
        if (fields.Length != 4)
        {
            throw Bad($"{fields.Length} fields: expected 4, \"SPI rfc4106(gcm(aes)) HEXKEY 128\"");
        }

        var spiText = fields[0];
        var perNode = spiText.EndsWith('+');
        spiText = spiText.TrimEnd('+');
        if (!byte.TryParse(spiText, NumberStyles.None, CultureInfo.InvariantCulture, out var spi) || spi is < 1 or > 15)
        {
            throw Bad($"SPI \"{Short(fields[0])}\" must be a number from 1 to 15 (optionally followed by +)");
        }
        if (fields[1] != Algorithm)
        {
            throw Bad($"algorithm \"{Short(fields[1])}\" is not supported: this lab's ESP uses {Algorithm} (AES-GCM, as Cilium's docs)");
        }

        var hex = fields[2].StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? fields[2][2..] : fields[2];
        byte[] material;
        try
        {
            material = Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            throw Bad($"key \"{Short(fields[2])}\" is not hexadecimal");
        }
        if (material.Length is not (20 or 28 or 36))
        {
            throw Bad($"key is {material.Length} bytes: expected 20, 28 or 36 (an AES-128/192/256 key and a 4-byte salt)");
        }
        if (!int.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var icv) || icv is not (96 or 128))
        {
            throw Bad($"ICV length \"{Short(fields[3])}\" must be 96 or 128 (bits)");
        }
        return new IpsecKey(spi, perNode, material[..^4], material[^4..], icv);
    }

    /// <summary>Same SPI and same key material.</summary>
    public bool SameAs(IpsecKey other) =>
        Spi == other.Spi && IcvBits == other.IcvBits && Key.AsSpan().SequenceEqual(other.Key) && Salt.AsSpan().SequenceEqual(other.Salt);

    private static ClusterException Bad(string what) => new($"{FieldPath}: {what}");

    // Hostile input is echoed only in part: a message never carries a whole secret or a huge line.
    private static string Short(string text) => text.Length <= 24 ? text : text[..24] + "...";
}
