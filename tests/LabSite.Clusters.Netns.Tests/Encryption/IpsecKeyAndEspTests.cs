using System.Net;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Capture;
using LabSite.Clusters.Netns.Encryption;

namespace LabSite.Clusters.Netns.Tests.Encryption;

/// <summary>The key line's parser, one ESP state pair end to end (AES-GCM, tamper, replay), and the capture argument gate.</summary>
public sealed class IpsecKeyAndEspTests
{
    private const string Good = "3+ rfc4106(gcm(aes)) 0x0123456789abcdef0123456789abcdef01234567 128";

    [Fact]
    public void Cilium_key_line_is_read_into_spi_key_salt_and_icv()
    {
        var key = IpsecKey.Parse(Good + "\n");
        Assert.Equal(3, key.Spi);
        Assert.True(key.PerNodePair);
        Assert.Equal(16, key.Key.Length);
        Assert.Equal([0x01, 0x23, 0x45, 0x67], key.Salt);
        Assert.Equal(128, key.IcvBits);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("3 rfc4106(gcm(aes)) 00 128\n4 rfc4106(gcm(aes)) 00 128", "2 lines")]
    [InlineData("3 hmac(sha256) 00 cbc(aes) 00", "is not supported here")]
    [InlineData("0 rfc4106(gcm(aes)) 0123456789abcdef0123456789abcdef01234567 128", "SPI \"0\"")]
    [InlineData("-1 rfc4106(gcm(aes)) 0123456789abcdef0123456789abcdef01234567 128", "SPI \"-1\"")]
    [InlineData("3 rfc4106(gcm(aes)) 0123456789abcdef0123456789abcdef0123456 128", "is not hexadecimal")]
    [InlineData("3 rfc4106(gcm(aes)) 0123456789abcdef0123456789abcdef 128", "key is 16 bytes")]
    [InlineData("3 rfc4106(gcm(aes)) 0123456789abcdef0123456789abcdef01234567 64", "ICV length \"64\"")]
    [InlineData("3 rfc4106(gcm(aes)) 0123456789abcdef0123456789abcdef01234567", "3 fields")]
    public void Bad_key_lines_are_refused_with_the_field_path(string line, string error)
    {
        var e = Assert.Throws<ClusterException>(() => IpsecKey.Parse(line));
        Assert.StartsWith("Secret kube-system/cilium-ipsec-keys: data.keys: ", e.Message);
        Assert.Contains(error, e.Message);
    }

    [Fact]
    public void A_huge_key_field_is_not_echoed_whole()
    {
        var e = Assert.Throws<ClusterException>(() => IpsecKey.Parse("3 rfc4106(gcm(aes)) " + new string('z', 100_000) + " 128"));
        Assert.True(e.Message.Length < 300, e.Message);
    }

    [Fact]
    public void Esp_round_trip_authenticates_and_refuses_tampering_and_replay()
    {
        var key = IpsecKey.Parse(Good);
        var (a, b) = (IPAddress.Parse("10.0.0.1"), IPAddress.Parse("10.0.0.2"));
        using var sender = new EspSa(key, a, b);
        using var receiver = new EspSa(key, a, b);
        var inner = "an inner IPv4 packet, any length"u8.ToArray();
        var esp = new byte[256];
        var length = sender.Encapsulate(inner, esp);
        Assert.Equal(sender.EncapsulatedLength(inner.Length), length);
        Assert.Equal([0, 0, 0, 3, 0, 0, 0, 1], esp[..8]); // SPI 3, sequence 1
        Assert.DoesNotContain("inner", System.Text.Encoding.ASCII.GetString(esp, 0, length));

        var output = new byte[256];
        Assert.Equal(EspResult.Ok, receiver.Decapsulate(esp.AsSpan(0, length), output, out var n));
        Assert.Equal(inner, output[..n]);
        Assert.Equal(EspResult.Replayed, receiver.Decapsulate(esp.AsSpan(0, length), output, out _));

        var second = sender.Encapsulate(inner, esp);
        esp[20] ^= 0x01;
        Assert.Equal(EspResult.AuthenticationFailed, receiver.Decapsulate(esp.AsSpan(0, second), output, out _));
        esp[20] ^= 0x01;
        Assert.Equal(EspResult.Ok, receiver.Decapsulate(esp.AsSpan(0, second), output, out _));
        Assert.Equal(EspResult.Malformed, receiver.Decapsulate(esp.AsSpan(0, 10), output, out _));

        using var otherKey = new EspSa(IpsecKey.Parse("4 rfc4106(gcm(aes)) fedcba9876543210fedcba9876543210fedcba98 128"), a, b);
        var third = sender.Encapsulate(inner, esp);
        Assert.Equal(EspResult.AuthenticationFailed, otherKey.Decapsulate(esp.AsSpan(0, third), output, out _));
        Assert.Equal(2, receiver.Packets);
    }

    [Fact]
    public void Capture_arguments_keep_display_flags_and_the_filter()
    {
        var args = CaptureArguments.Parse(["-nni", "cilium_vxlan", "-c5", "-A", "esp", "or", "udp", "port", "8472"]);
        Assert.Equal("cilium_vxlan", args.Interface);
        Assert.Equal(5, args.Count);
        Assert.Equal(["-n", "-n", "-A"], args.DisplayFlags);
        Assert.Equal("esp or udp port 8472", args.Expression);
        Assert.Equal(("eth0", CaptureArguments.DefaultPackets), (CaptureArguments.Parse([]).Interface, CaptureArguments.Parse([]).Count));
    }

    [Theory]
    [InlineData("-w", "/etc/x")]
    [InlineData("-nw", "/etc/x")]
    [InlineData("-z", "sh")]
    [InlineData("-Z", "root")]
    [InlineData("-r", "/etc/shadow")]
    [InlineData("-F", "/etc/shadow")]
    [InlineData("-V", "/etc/shadow")]
    [InlineData("-G", "1")]
    [InlineData("-C", "1")]
    [InlineData("-i", "lo")]
    [InlineData("-i", "any")]
    [InlineData("-i", "ul0")]
    [InlineData("-c", "0")]
    [InlineData("-c", "201")]
    [InlineData("-c", "99999999999999")]
    [InlineData("--immediate-mode", "x")]
    [InlineData("-D", "x")]
    [InlineData("port", "80;reboot")]
    [InlineData("port", "$(id)")]
    [InlineData("host", "`id`")]
    [InlineData("ether", "host\n1")]
    public void Hostile_capture_arguments_are_refused(string first, string second)
    {
        var e = Assert.Throws<ClusterException>(() => CaptureArguments.Parse([first, second]));
        Assert.StartsWith("tcpdump: ", e.Message);
    }

    [Fact]
    public void An_option_needing_a_value_at_the_end_is_refused()
    {
        Assert.Contains("needs a value", Assert.Throws<ClusterException>(() => CaptureArguments.Parse(["-c"])).Message);
    }
}
