using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;

namespace LabSite.Clusters.Netns.Encryption;

/// <summary>
/// One ESP security association in tunnel mode (RFC 4303) with AES-GCM (RFC 4106), as an XFRM state would be:
/// SPI, a 32-bit sequence number, an 8-byte IV (the sequence number, unique per key), AAD = SPI || sequence, the
/// inner IPv4 packet padded to 4 bytes with next header 4 (IP-in-IP), and the ICV. Inbound SAs keep a 64-packet
/// anti-replay window. Counters are the state's: packets, bytes, the highest sequence number and its errors.
/// </summary>
internal sealed class EspSa : IDisposable
{
    public const int HeaderLength = 8 + 8; // SPI, sequence number, IV
    private const byte NextHeaderIpip = 4;
    private const int ReplayWindow = 64;
    private readonly AesGcm _aead;
    private readonly byte[] _salt;
    private readonly Lock _lock = new();
    private uint _seq;
    private ulong _replayBitmap;

    public EspSa(IpsecKey key, IPAddress source, IPAddress destination)
    {
        Key = key;
        Source = source;
        Destination = destination;
        DestinationEndPoint = new IPEndPoint(destination, 0);
        _salt = key.Salt;
        _aead = new AesGcm(key.Key, key.IcvBits / 8);
    }

    public IpsecKey Key { get; }

    public uint Spi => Key.Spi;

    public IPAddress Source { get; }

    public IPAddress Destination { get; }

    /// <summary>Where an outbound state's packets go (the raw socket takes an endpoint; one per state, not per packet).</summary>
    public IPEndPoint DestinationEndPoint { get; }

    private int IcvLength => Key.IcvBits / 8;

    /// <summary>Outbound: the last sequence number sent. Inbound: the highest one accepted.</summary>
    public uint Sequence => Volatile.Read(ref _seq);

    public long Packets;
    public long Bytes;

    /// <summary>Bytes ESP adds around an inner packet of <paramref name="innerLength"/> bytes (without the outer IP header).</summary>
    public int EncapsulatedLength(int innerLength) => HeaderLength + Padded(innerLength) + IcvLength;

    /// <summary>Encrypts <paramref name="inner"/> into <paramref name="output"/>; returns the ESP payload's length, or -1 when the sequence space is used up.</summary>
    public int Encapsulate(ReadOnlySpan<byte> inner, Span<byte> output)
    {
        uint seq;
        lock (_lock)
        {
            if (_seq == uint.MaxValue)
            {
                return -1; // No ESN: a state that has sent 2^32-1 packets must be replaced (XfrmOutStateSeqError).
            }
            seq = ++_seq;
        }
        var plainLength = Padded(inner.Length);
        var total = HeaderLength + plainLength + IcvLength;
        BinaryPrimitives.WriteUInt32BigEndian(output, Spi);
        BinaryPrimitives.WriteUInt32BigEndian(output[4..], seq);
        BinaryPrimitives.WriteUInt64BigEndian(output[8..], seq);

        Span<byte> plain = plainLength <= 2048 ? stackalloc byte[plainLength] : new byte[plainLength];
        inner.CopyTo(plain);
        var padLength = plainLength - inner.Length - 2;
        for (var i = 0; i < padLength; i++)
        {
            plain[inner.Length + i] = (byte)(i + 1); // RFC 4303's default padding: 1, 2, 3, ...
        }
        plain[^2] = (byte)padLength;
        plain[^1] = NextHeaderIpip;

        Span<byte> nonce = stackalloc byte[12];
        _salt.CopyTo(nonce);
        output.Slice(8, 8).CopyTo(nonce[4..]);
        _aead.Encrypt(nonce, plain, output.Slice(HeaderLength, plainLength), output.Slice(HeaderLength + plainLength, IcvLength), output[..8]);
        Interlocked.Increment(ref Packets);
        Interlocked.Add(ref Bytes, inner.Length);
        return total;
    }

    /// <summary>Checks and decrypts an ESP payload (after the outer IP header) into <paramref name="inner"/>.</summary>
    public EspResult Decapsulate(ReadOnlySpan<byte> esp, Span<byte> inner, out int innerLength)
    {
        innerLength = 0;
        var cipherLength = esp.Length - HeaderLength - IcvLength;
        if (cipherLength < 2 || cipherLength % 4 != 0 || cipherLength > inner.Length)
        {
            return EspResult.Malformed;
        }
        var seq = BinaryPrimitives.ReadUInt32BigEndian(esp[4..]);
        if (!ReplayAllowed(seq))
        {
            return EspResult.Replayed;
        }
        Span<byte> nonce = stackalloc byte[12];
        _salt.CopyTo(nonce);
        esp.Slice(8, 8).CopyTo(nonce[4..]);
        try
        {
            _aead.Decrypt(nonce, esp.Slice(HeaderLength, cipherLength), esp.Slice(HeaderLength + cipherLength, IcvLength), inner[..cipherLength], esp[..8]);
        }
        catch (AuthenticationTagMismatchException)
        {
            return EspResult.AuthenticationFailed;
        }
        var padLength = inner[cipherLength - 2];
        if (inner[cipherLength - 1] != NextHeaderIpip || padLength > cipherLength - 2)
        {
            return EspResult.Malformed;
        }
        innerLength = cipherLength - 2 - padLength;
        // Only an authenticated packet moves the window (RFC 4303 3.4.3).
        if (!ReplayAccept(seq))
        {
            return EspResult.Replayed;
        }
        Interlocked.Increment(ref Packets);
        Interlocked.Add(ref Bytes, innerLength);
        return EspResult.Ok;
    }

    private bool ReplayAllowed(uint seq)
    {
        lock (_lock)
        {
            return seq != 0 && (seq > _seq || (_seq - seq < ReplayWindow && (_replayBitmap & (1UL << (int)(_seq - seq))) == 0));
        }
    }

    private bool ReplayAccept(uint seq)
    {
        lock (_lock)
        {
            if (seq > _seq)
            {
                var shift = seq - _seq;
                _replayBitmap = shift >= ReplayWindow ? 1UL : (_replayBitmap << (int)shift) | 1UL;
                _seq = seq;
                return true;
            }
            var offset = (int)(_seq - seq);
            if (offset >= ReplayWindow || (_replayBitmap & (1UL << offset)) != 0)
            {
                return false;
            }
            _replayBitmap |= 1UL << offset;
            return true;
        }
    }

    // Plain text = inner + padding + pad length + next header, a multiple of 4 (GCM needs no block alignment).
    private static int Padded(int innerLength) => (innerLength + 2 + 3) & ~3;

    public void Dispose() => _aead.Dispose();
}

internal enum EspResult { Ok, Malformed, Replayed, AuthenticationFailed }
