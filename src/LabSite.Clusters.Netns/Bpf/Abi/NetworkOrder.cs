using System.Buffers.Binary;
using System.Net;

namespace LabSite.Clusters.Netns.Bpf.Abi;

/// <summary>Conversions at the ABI edge: __be32 addresses and __be16 ports as they sit in memory.</summary>
public static class NetworkOrder
{
    /// <summary>The uint whose in-memory bytes are the address's bytes (what a __be32 holds).</summary>
    public static uint FromAddress(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[4];
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || !address.TryWriteBytes(bytes, out _))
        {
            throw new ArgumentException($"expected an IPv4 address, got {address}", nameof(address));
        }

        return BitConverter.ToUInt32(bytes);
    }

    public static IPAddress ToAddress(uint be32) => new(BitConverter.GetBytes(be32));

    /// <summary>A host-order port as a __be16 holds it.</summary>
    public static ushort FromPort(int port) =>
        BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness((ushort)port) : (ushort)port;

    public static int ToPort(ushort be16) =>
        BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(be16) : be16;
}
